package internal.uploadtokengateway.client;

import io.grpc.Metadata;
import java.time.Duration;
import java.util.Objects;

/**
 * Per-call settings of {@link UploadTokenClient}, all optional: a timeout in
 * place of the client's default, request metadata, and where to put the
 * response metadata. (Named so as not to clash with io.grpc.CallOptions.)
 *
 * <pre>{@code
 * ResponseMetadata metadata = new ResponseMetadata();
 * client.get(token, CallSettings.newBuilder()
 *     .timeout(Duration.ofSeconds(2))
 *     .header("traceparent", "00-...")
 *     .responseMetadata(metadata)
 *     .build());
 * metadata.find("x-ratelimit-remaining");
 * }</pre>
 */
public final class CallSettings {
  /** No timeout of its own, no metadata. */
  public static final CallSettings DEFAULT = newBuilder().build();

  private final Duration timeout;
  private final Metadata headers;
  private final ResponseMetadata responseMetadata;

  private CallSettings(Builder builder) {
    this.timeout = builder.timeout;
    this.headers = builder.headers;
    this.responseMetadata = builder.responseMetadata;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** The call's timeout, or null for ClientOptions.defaultTimeout(). */
  public Duration timeout() {
    return timeout;
  }

  /** Request metadata added to the call (a copy). */
  public Metadata headers() {
    Metadata copy = new Metadata();
    copy.merge(headers);
    return copy;
  }

  /** Filled with the response metadata, or null. */
  public ResponseMetadata responseMetadata() {
    return responseMetadata;
  }

  public static final class Builder {
    private Duration timeout;
    private final Metadata headers = new Metadata();
    private ResponseMetadata responseMetadata;

    private Builder() {}

    /** Replaces ClientOptions.defaultTimeout() for this call. */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** Adds request metadata, e.g. ("traceparent", "00-…"); key in lower case. */
    public Builder header(String key, String value) {
      headers.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
      return this;
    }

    /** Filled with the gateway's response metadata (for listAll: the last page's). */
    public Builder responseMetadata(ResponseMetadata sink) {
      this.responseMetadata = sink;
      return this;
    }

    public CallSettings build() {
      return new CallSettings(this);
    }
  }
}
