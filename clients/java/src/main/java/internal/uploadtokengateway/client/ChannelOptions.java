package internal.uploadtokengateway.client;

import java.util.Objects;

/**
 * Where the gateway is and how to reach it; {@link GatewayChannels#create}
 * makes the channel.
 *
 * <pre>{@code
 * ChannelOptions options = ChannelOptions.newBuilder()
 *     .target("dns:///upload-token-gateway.upload-tokens:50051")
 *     .tls(TlsOptions.fromFiles(ca, cert, key))
 *     .bearerToken(System.getenv("UPLOAD_TOKEN_GATEWAY_TOKEN"))
 *     .build();
 * }</pre>
 */
public final class ChannelOptions {
  private final String target;
  private final TlsOptions tls;
  private final String bearerToken;

  private ChannelOptions(Builder builder) {
    this.target = builder.target;
    this.tls = builder.tls;
    this.bearerToken = builder.bearerToken;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * "dns:///upload-token-gateway.ns.svc:50051" (every replica behind a
   * headless Service), "host:port", "unix:/path".
   */
  public String target() {
    return target;
  }

  /** TLS settings, or null for plaintext (only for a gateway on the same host). */
  public TlsOptions tls() {
    return tls;
  }

  /** The caller's token, sent as {@code authorization: Bearer <token>}, or "". */
  public String bearerToken() {
    return bearerToken;
  }

  public Builder toBuilder() {
    return newBuilder().target(target).tls(tls).bearerToken(bearerToken);
  }

  public static final class Builder {
    private String target = "";
    private TlsOptions tls;
    private String bearerToken = "";

    private Builder() {}

    public Builder target(String target) {
      this.target = Objects.requireNonNull(target);
      return this;
    }

    /** null: plaintext. */
    public Builder tls(TlsOptions tls) {
      this.tls = tls;
      return this;
    }

    /** The caller's token (the gateway's --caller_tokens_file); null or "": none. */
    public Builder bearerToken(String token) {
      this.bearerToken = token == null ? "" : token;
      return this;
    }

    /**
     * @throws IllegalArgumentException without a target, or with a bearer
     *     token but no TLS: a credential is never sent in clear.
     */
    public ChannelOptions build() {
      if (target.isEmpty()) {
        throw new IllegalArgumentException("the channel needs a target");
      }
      if (!bearerToken.isEmpty() && tls == null) {
        throw new IllegalArgumentException(
            "a bearer token is sent only over TLS: set ChannelOptions.Builder.tls");
      }
      return new ChannelOptions(this);
    }
  }
}
