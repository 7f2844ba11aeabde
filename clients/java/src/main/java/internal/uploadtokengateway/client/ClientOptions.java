package internal.uploadtokengateway.client;

import java.time.Duration;
import java.util.Objects;

/** Settings of an {@link UploadTokenClient}; every one has a default. */
public final class ClientOptions {
  private final Duration defaultTimeout;
  private final int createAttempts;
  private final Duration createBackoff;
  private final Duration listAllMaxWait;

  private ClientOptions(Builder builder) {
    this.defaultTimeout = builder.defaultTimeout;
    this.createAttempts = builder.createAttempts;
    this.createBackoff = builder.createBackoff;
    this.listAllMaxWait = builder.listAllMaxWait;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public static ClientOptions defaults() {
    return newBuilder().build();
  }

  /**
   * The deadline of a call that gives none (10 s). For listAll it applies to
   * each page, and for create to all its attempts together.
   */
  public Duration defaultTimeout() {
    return defaultTimeout;
  }

  /**
   * Attempts of a create that ends UNAVAILABLE (3): each sends the same
   * request_id, so the gateway creates at most one token.
   */
  public int createAttempts() {
    return createAttempts;
  }

  /** The pause before a create's second attempt (100 ms); doubled for each next one. */
  public Duration createBackoff() {
    return createBackoff;
  }

  /**
   * How long listAll may wait in all (60 s), following RetryInfo on
   * RESOURCE_EXHAUSTED, before it throws the error to its caller.
   */
  public Duration listAllMaxWait() {
    return listAllMaxWait;
  }

  public static final class Builder {
    private Duration defaultTimeout = Duration.ofSeconds(10);
    private int createAttempts = 3;
    private Duration createBackoff = Duration.ofMillis(100);
    private Duration listAllMaxWait = Duration.ofSeconds(60);

    private Builder() {}

    public Builder defaultTimeout(Duration timeout) {
      this.defaultTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    public Builder createAttempts(int attempts) {
      if (attempts < 1) throw new IllegalArgumentException("createAttempts < 1");
      this.createAttempts = attempts;
      return this;
    }

    public Builder createBackoff(Duration backoff) {
      this.createBackoff = Objects.requireNonNull(backoff);
      return this;
    }

    public Builder listAllMaxWait(Duration maxWait) {
      this.listAllMaxWait = Objects.requireNonNull(maxWait);
      return this;
    }

    public ClientOptions build() {
      return new ClientOptions(this);
    }
  }
}
