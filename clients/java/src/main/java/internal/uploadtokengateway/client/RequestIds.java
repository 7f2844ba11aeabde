package internal.uploadtokengateway.client;

import java.util.UUID;

/**
 * Request ids for CreateUploadToken (AIP-155): the gateway answers a repeated
 * request_id with the first call's token instead of creating a second one.
 */
public final class RequestIds {
  private RequestIds() {}

  /** A random (version 4) UUID, e.g. "1b4e28ba-2fa1-41d2-883f-0016d3cca427". */
  public static String newRequestId() {
    return UUID.randomUUID().toString();
  }
}
