package internal.uploadtokengateway.client;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.QuotaFailure;
import com.google.rpc.ResourceInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The details of a failed call, typed.
 *
 * <p>Every error of the gateway carries a serialized google.rpc.Status in the
 * {@code grpc-status-details-bin} trailer; its details are Any messages
 * (ErrorInfo, ResourceInfo, RetryInfo, BadRequest, QuotaFailure), decoded
 * here with the classes of proto-google-common-protos. ErrorInfo is decoded
 * into {@link ErrorInfo} of this class instead, because the
 * proto-google-common-protos that Debian packages (1.16) predates
 * com.google.rpc.ErrorInfo; with 1.18 or later, {@code status()} holds it
 * packed for {@code any.unpack(com.google.rpc.ErrorInfo.class)}.
 *
 * <pre>{@code
 * try {
 *   client.get(token);
 * } catch (StatusRuntimeException e) {
 *   ErrorDetails details = ErrorDetails.from(e);
 *   if (details.reason().equals("RESOURCE_NOT_FOUND")) ...
 * }
 * }</pre>
 */
public final class ErrorDetails {
  /** The trailer that holds the serialized google.rpc.Status. */
  public static final Metadata.Key<byte[]> STATUS_DETAILS_KEY =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);
  static final String ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo";

  private final Status status;
  private com.google.rpc.Status rpcStatus;
  private ErrorInfo errorInfo;
  private ResourceInfo resourceInfo;
  private RetryInfo retryInfo;
  private BadRequest badRequest;
  private QuotaFailure quotaFailure;
  private final List<Any> others = new ArrayList<>();

  private ErrorDetails(Status status) {
    this.status = status;
  }

  /**
   * Decodes the details of a failed call from its exception
   * (StatusRuntimeException or StatusException, possibly wrapped). An error
   * without details (e.g. a deadline the client enforced itself) gives only
   * code and message; so do details that do not parse.
   */
  public static ErrorDetails from(Throwable error) {
    return of(Status.fromThrowable(error), Status.trailersFromThrowable(error));
  }

  /** Decodes the details from a call's status and trailers (which may be null). */
  public static ErrorDetails of(Status status, Metadata trailers) {
    ErrorDetails details = new ErrorDetails(status);
    byte[] bytes = trailers == null ? null : trailers.get(STATUS_DETAILS_KEY);
    if (bytes == null) return details;
    try {
      details.rpcStatus = com.google.rpc.Status.parseFrom(bytes);
      for (Any any : details.rpcStatus.getDetailsList()) {
        if (any.getTypeUrl().equals(ERROR_INFO_TYPE)) {
          details.errorInfo = ErrorInfo.parse(any.getValue());
        } else if (any.is(ResourceInfo.class)) {
          details.resourceInfo = any.unpack(ResourceInfo.class);
        } else if (any.is(RetryInfo.class)) {
          details.retryInfo = any.unpack(RetryInfo.class);
        } else if (any.is(BadRequest.class)) {
          details.badRequest = any.unpack(BadRequest.class);
        } else if (any.is(QuotaFailure.class)) {
          details.quotaFailure = any.unpack(QuotaFailure.class);
        } else {
          details.others.add(any);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      return new ErrorDetails(status);  // unreadable details: the status alone
    }
    return details;
  }

  public Status.Code code() {
    return status.getCode();
  }

  public String message() {
    return status.getDescription() == null ? "" : status.getDescription();
  }

  /** The whole google.rpc.Status of the trailer, when there was one. */
  public Optional<com.google.rpc.Status> status() {
    return Optional.ofNullable(rpcStatus);
  }

  public Optional<ErrorInfo> errorInfo() {
    return Optional.ofNullable(errorInfo);
  }

  public Optional<ResourceInfo> resourceInfo() {
    return Optional.ofNullable(resourceInfo);
  }

  public Optional<RetryInfo> retryInfo() {
    return Optional.ofNullable(retryInfo);
  }

  public Optional<BadRequest> badRequest() {
    return Optional.ofNullable(badRequest);
  }

  public Optional<QuotaFailure> quotaFailure() {
    return Optional.ofNullable(quotaFailure);
  }

  /** Details of any other type, still packed. */
  public List<Any> others() {
    return Collections.unmodifiableList(others);
  }

  /** ErrorInfo.reason (e.g. "RESOURCE_NOT_FOUND"), or "" without ErrorInfo. */
  public String reason() {
    return errorInfo == null ? "" : errorInfo.reason();
  }

  /** ErrorInfo.metadata[key], or "" when absent. */
  public String metadata(String key) {
    return errorInfo == null ? "" : errorInfo.metadata().getOrDefault(key, "");
  }

  /** RetryInfo.retry_delay, or zero without RetryInfo. */
  public Duration retryDelay() {
    if (retryInfo == null) return Duration.ZERO;
    return Duration.ofSeconds(
        retryInfo.getRetryDelay().getSeconds(), retryInfo.getRetryDelay().getNanos());
  }

  @Override
  public String toString() {
    return code() + ": " + message() + (errorInfo == null ? "" : " " + errorInfo);
  }

  /** google.rpc.ErrorInfo: why the call failed, as a constant of a domain. */
  public static final class ErrorInfo {
    private final String reason;
    private final String domain;
    private final Map<String, String> metadata;

    ErrorInfo(String reason, String domain, Map<String, String> metadata) {
      this.reason = reason;
      this.domain = domain;
      this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** e.g. "RESOURCE_NOT_FOUND", "TOO_MANY_REQUESTS". */
    public String reason() {
      return reason;
    }

    /** e.g. "api.video". */
    public String domain() {
      return domain;
    }

    public Map<String, String> metadata() {
      return metadata;
    }

    @Override
    public String toString() {
      return "ErrorInfo{reason=" + reason + ", domain=" + domain + ", metadata=" + metadata + "}";
    }

    // google/rpc/error_details.proto: reason = 1, domain = 2,
    // map<string, string> metadata = 3 (entries: key = 1, value = 2).
    private static final int REASON = tag(1);
    private static final int DOMAIN = tag(2);
    private static final int METADATA = tag(3);
    private static final int ENTRY_KEY = tag(1);
    private static final int ENTRY_VALUE = tag(2);

    private static int tag(int field) {
      return (field << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    static ErrorInfo parse(ByteString bytes) throws InvalidProtocolBufferException {
      String reason = "";
      String domain = "";
      Map<String, String> metadata = new LinkedHashMap<>();
      try {
        CodedInputStream in = bytes.newCodedInput();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
          if (tag == REASON) {
            reason = in.readStringRequireUtf8();
          } else if (tag == DOMAIN) {
            domain = in.readStringRequireUtf8();
          } else if (tag == METADATA) {
            CodedInputStream entry = in.readBytes().newCodedInput();
            String key = "";
            String value = "";
            for (int t = entry.readTag(); t != 0; t = entry.readTag()) {
              if (t == ENTRY_KEY) {
                key = entry.readStringRequireUtf8();
              } else if (t == ENTRY_VALUE) {
                value = entry.readStringRequireUtf8();
              } else {
                entry.skipField(t);
              }
            }
            metadata.put(key, value);
          } else {
            in.skipField(tag);
          }
        }
      } catch (InvalidProtocolBufferException e) {
        throw e;
      } catch (IOException e) {
        throw new InvalidProtocolBufferException(e);
      }
      return new ErrorInfo(reason, domain, metadata);
    }
  }
}
