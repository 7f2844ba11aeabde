package internal.uploadtokengateway.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS settings of a channel, as PEM text: the CAs that may sign the gateway's
 * certificate and, for mTLS (the gateway's {@code --client_ca_file}), the
 * client's certificate chain and private key (PKCS#8).
 *
 * <pre>{@code
 * TlsOptions tls = TlsOptions.fromFiles(Path.of("ca.pem"), Path.of("client.pem"), Path.of("client.key"));
 * }</pre>
 */
public final class TlsOptions {
  private final String rootCertificatesPem;
  private final String clientCertificateChainPem;
  private final String clientPrivateKeyPem;

  private TlsOptions(Builder builder) {
    this.rootCertificatesPem = builder.rootCertificatesPem;
    this.clientCertificateChainPem = builder.clientCertificateChainPem;
    this.clientPrivateKeyPem = builder.clientPrivateKeyPem;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** TLS with the system's CAs, no client certificate. */
  public static TlsOptions systemRoots() {
    return newBuilder().build();
  }

  /**
   * Reads the PEM files: {@code caFile} may be null (the system's CAs);
   * {@code certFile} and {@code keyFile} both null (TLS) or both set (mTLS).
   */
  public static TlsOptions fromFiles(Path caFile, Path certFile, Path keyFile)
      throws IOException {
    Builder builder = newBuilder();
    if (caFile != null) builder.rootCertificatesPem(read(caFile));
    if (certFile != null) builder.clientCertificateChainPem(read(certFile));
    if (keyFile != null) builder.clientPrivateKeyPem(read(keyFile));
    return builder.build();
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  /** The CAs to trust, or "" for the system's. */
  public String rootCertificatesPem() {
    return rootCertificatesPem;
  }

  /** The client certificate chain for mTLS, or "". */
  public String clientCertificateChainPem() {
    return clientCertificateChainPem;
  }

  /** The client private key for mTLS, or "". */
  public String clientPrivateKeyPem() {
    return clientPrivateKeyPem;
  }

  public boolean isMutual() {
    return !clientCertificateChainPem.isEmpty();
  }

  public static final class Builder {
    private String rootCertificatesPem = "";
    private String clientCertificateChainPem = "";
    private String clientPrivateKeyPem = "";

    private Builder() {}

    public Builder rootCertificatesPem(String pem) {
      this.rootCertificatesPem = Objects.requireNonNull(pem);
      return this;
    }

    public Builder clientCertificateChainPem(String pem) {
      this.clientCertificateChainPem = Objects.requireNonNull(pem);
      return this;
    }

    public Builder clientPrivateKeyPem(String pem) {
      this.clientPrivateKeyPem = Objects.requireNonNull(pem);
      return this;
    }

    /** @throws IllegalArgumentException with half a client certificate. */
    public TlsOptions build() {
      if (clientCertificateChainPem.isEmpty() != clientPrivateKeyPem.isEmpty()) {
        throw new IllegalArgumentException(
            "mTLS needs both the client certificate chain and its private key");
      }
      return new TlsOptions(this);
    }
  }
}
