package internal.uploadtokengateway.client;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Channels to the gateway the way the deployment expects them: every replica
 * used (round_robin over all the addresses the target resolves to, e.g. the
 * headless Service's {@code dns:///} name), TLS or mTLS, the caller's bearer
 * token on every call, and reads retried by gRPC itself when a replica is
 * unavailable.
 */
public final class GatewayChannels {
  static final String SERVICE = "apivideo.uploadtokens.v1.UploadTokenService";

  private GatewayChannels() {}

  /**
   * The service config every channel gets: round_robin, and up to 3 attempts
   * of GetUploadToken and ListUploadTokens on UNAVAILABLE (a replica gone or
   * restarting). Create, Delete and Purge are not retried by gRPC: Create is
   * retried by {@link UploadTokenClient} with its request_id, which makes a
   * retry safe. (Numbers are doubles: gRPC parses the map as JSON.)
   */
  public static Map<String, ?> defaultServiceConfig() {
    Map<String, ?> retryPolicy = Map.of(
        "maxAttempts", 3.0,
        "initialBackoff", "0.1s",
        "maxBackoff", "1s",
        "backoffMultiplier", 2.0,
        "retryableStatusCodes", List.of("UNAVAILABLE"));
    Map<String, ?> reads = Map.of(
        "name", List.of(
            Map.of("service", SERVICE, "method", "GetUploadToken"),
            Map.of("service", SERVICE, "method", "ListUploadTokens")),
        "retryPolicy", retryPolicy);
    return Map.of(
        "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
        "methodConfig", List.of(reads));
  }

  /**
   * A channel to {@code options.target()}; shut it down when done
   * ({@code channel.shutdown()}).
   *
   * @throws UncheckedIOException when the PEM text does not parse.
   */
  public static ManagedChannel create(ChannelOptions options) {
    return Grpc.newChannelBuilder(options.target(), credentials(options))
        .defaultServiceConfig(defaultServiceConfig())
        // A service config published in DNS TXT records must not replace ours.
        .disableServiceConfigLookUp()
        .enableRetry()
        .build();
  }

  static ChannelCredentials credentials(ChannelOptions options) {
    TlsOptions tls = options.tls();
    if (tls == null) return InsecureChannelCredentials.create();
    TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
    try {
      if (!tls.rootCertificatesPem().isEmpty()) {
        builder.trustManager(stream(tls.rootCertificatesPem()));
      }
      if (tls.isMutual()) {
        builder.keyManager(
            stream(tls.clientCertificateChainPem()), stream(tls.clientPrivateKeyPem()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("bad TLS material: " + e.getMessage(), e);
    }
    ChannelCredentials credentials = builder.build();
    if (!options.bearerToken().isEmpty()) {
      credentials = CompositeChannelCredentials.create(
          credentials, bearerToken(options.bearerToken()));
    }
    return credentials;
  }

  private static ByteArrayInputStream stream(String pem) {
    return new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Call credentials that send {@code authorization: Bearer <token>}, and
   * fail the call (UNAUTHENTICATED) rather than send it over a connection
   * that is not encrypted.
   */
  public static CallCredentials bearerToken(String token) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + token);
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo info, Executor executor, MetadataApplier applier) {
        if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
          applier.fail(Status.UNAUTHENTICATED.withDescription(
              "the bearer token is sent only over TLS"));
          return;
        }
        applier.apply(headers);
      }

      @Override
      public void thisUsesUnstableApi() {}
    };
  }
}
