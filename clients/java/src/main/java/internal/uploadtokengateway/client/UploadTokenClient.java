package internal.uploadtokengateway.client;

import com.google.protobuf.Empty;
import internal.uploadtokengateway.v1.CreateUploadTokenRequest;
import internal.uploadtokengateway.v1.DeleteUploadTokenRequest;
import internal.uploadtokengateway.v1.GetUploadTokenRequest;
import internal.uploadtokengateway.v1.ListUploadTokensRequest;
import internal.uploadtokengateway.v1.ListUploadTokensResponse;
import internal.uploadtokengateway.v1.PurgeUploadTokensRequest;
import internal.uploadtokengateway.v1.PurgeUploadTokensResponse;
import internal.uploadtokengateway.v1.UploadToken;
import internal.uploadtokengateway.v1.UploadTokenServiceGrpc;
import internal.uploadtokengateway.v1.UploadTokenServiceGrpc.UploadTokenServiceBlockingStub;
import io.grpc.Channel;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * UploadTokenService with what every caller would otherwise write again: a
 * deadline on every call, the caller's metadata in and the gateway's (rate
 * limit, cache) out, a request_id on every create so that it can be retried,
 * every page of a listing, and errors whose details {@link ErrorDetails}
 * reads.
 *
 * <pre>{@code
 * try (UploadTokenClient client = UploadTokenClient.connect(ChannelOptions.newBuilder()
 *     .target("dns:///upload-token-gateway.upload-tokens:50051")
 *     .tls(TlsOptions.fromFiles(ca, cert, key))
 *     .bearerToken(callerToken)
 *     .build())) {
 *   UploadToken token = client.create(3600);
 * }
 * }</pre>
 *
 * <p>Calls block the calling thread and throw {@link StatusRuntimeException}
 * on failure. The client is safe to share between threads. For asynchronous
 * calls use {@code UploadTokenServiceGrpc.newFutureStub} or {@code newStub}
 * on a channel from {@link GatewayChannels#create}.
 */
public final class UploadTokenClient implements AutoCloseable {
  private final UploadTokenServiceBlockingStub stub;
  private final ClientOptions options;
  private final ManagedChannel ownedChannel;

  /** A client on a channel the caller keeps and shuts down. */
  public UploadTokenClient(Channel channel, ClientOptions options) {
    this(channel, options, null);
  }

  public UploadTokenClient(Channel channel) {
    this(channel, ClientOptions.defaults(), null);
  }

  private UploadTokenClient(Channel channel, ClientOptions options, ManagedChannel owned) {
    this.stub = UploadTokenServiceGrpc.newBlockingStub(Objects.requireNonNull(channel));
    this.options = Objects.requireNonNull(options);
    this.ownedChannel = owned;
  }

  /** A client on its own channel ({@link GatewayChannels#create}), shut down by close(). */
  public static UploadTokenClient connect(ChannelOptions channel, ClientOptions options) {
    ManagedChannel managed = GatewayChannels.create(channel);
    return new UploadTokenClient(managed, options, managed);
  }

  public static UploadTokenClient connect(ChannelOptions channel) {
    return connect(channel, ClientOptions.defaults());
  }

  /** Shuts down the channel of a client made by connect(); nothing otherwise. */
  @Override
  public void close() {
    if (ownedChannel == null) return;
    ownedChannel.shutdown();
    try {
      if (!ownedChannel.awaitTermination(5, TimeUnit.SECONDS)) ownedChannel.shutdownNow();
    } catch (InterruptedException e) {
      ownedChannel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** The generated stub, for anything not wrapped here (no default deadline). */
  public UploadTokenServiceBlockingStub stub() {
    return stub;
  }

  /**
   * A token valid for {@code ttlSeconds} (0: never expires); with null, the
   * caller's policy default applies. See {@link #create(CreateUploadTokenRequest, CallSettings)}.
   */
  public UploadToken create(Integer ttlSeconds) {
    return create(ttlSeconds, CallSettings.DEFAULT);
  }

  public UploadToken create(Integer ttlSeconds, CallSettings call) {
    CreateUploadTokenRequest.Builder request = CreateUploadTokenRequest.newBuilder();
    if (ttlSeconds != null) request.setTtl(ttlSeconds);
    return create(request.build(), call);
  }

  public UploadToken create(CreateUploadTokenRequest request) {
    return create(request, CallSettings.DEFAULT);
  }

  /**
   * Creates a token. The request_id is made here (a UUIDv4) when the request
   * has none; a create that ends UNAVAILABLE is sent again with the same
   * request_id, up to ClientOptions.createAttempts() within the call's one
   * deadline, so the gateway makes at most one token.
   */
  public UploadToken create(CreateUploadTokenRequest request, CallSettings call) {
    CreateUploadTokenRequest withId = request.getRequestId().isEmpty()
        ? request.toBuilder().setRequestId(RequestIds.newRequestId()).build()
        : request;
    Deadline deadline = deadlineOf(call);
    Duration backoff = options.createBackoff();
    for (int attempt = 1; ; attempt++) {
      try {
        return call(call, deadline, s -> s.createUploadToken(withId));
      } catch (StatusRuntimeException e) {
        // Only UNAVAILABLE says that the gateway may not have the request; any
        // other answer is the gateway's, and asking again would get it again.
        boolean retry = e.getStatus().getCode() == Status.Code.UNAVAILABLE
            && attempt < options.createAttempts()
            && deadline.timeRemaining(TimeUnit.NANOSECONDS) > backoff.toNanos();
        if (!retry || !sleep(backoff)) throw e;
        backoff = backoff.multipliedBy(2);
      }
    }
  }

  public UploadToken get(String token) {
    return get(token, CallSettings.DEFAULT);
  }

  public UploadToken get(String token, CallSettings call) {
    GetUploadTokenRequest request = GetUploadTokenRequest.newBuilder().setToken(token).build();
    return call(call, deadlineOf(call), s -> s.getUploadToken(request));
  }

  public void delete(String token) {
    delete(token, CallSettings.DEFAULT);
  }

  public void delete(String token, CallSettings call) {
    DeleteUploadTokenRequest request =
        DeleteUploadTokenRequest.newBuilder().setToken(token).build();
    Empty unused = call(call, deadlineOf(call), s -> s.deleteUploadToken(request));
  }

  /** One page, as the request asks. */
  public ListUploadTokensResponse listPage(ListUploadTokensRequest request) {
    return listPage(request, CallSettings.DEFAULT);
  }

  public ListUploadTokensResponse listPage(ListUploadTokensRequest request, CallSettings call) {
    return call(call, deadlineOf(call), s -> s.listUploadTokens(request));
  }

  public Iterable<UploadToken> listAll(ListUploadTokensRequest request) {
    return listAll(request, CallSettings.DEFAULT);
  }

  /**
   * Every token of every page from {@code request} on (its page_size,
   * order_by and filter apply to each page), fetched page by page as the
   * iteration goes; each page gets the call's timeout. A page refused with
   * RESOURCE_EXHAUSTED and a RetryInfo is asked again after the delay it
   * gives, within ClientOptions.listAllMaxWait(); other errors are thrown
   * from {@code hasNext()}.
   */
  public Iterable<UploadToken> listAll(ListUploadTokensRequest request, CallSettings call) {
    return () -> new Iterator<UploadToken>() {
      private final ArrayDeque<UploadToken> page = new ArrayDeque<>();
      private String pageToken = request.getPageToken();
      private boolean lastPage = false;
      private Duration waited = Duration.ZERO;

      @Override
      public boolean hasNext() {
        while (page.isEmpty() && !lastPage) {
          ListUploadTokensResponse response;
          try {
            response = listPage(request.toBuilder().setPageToken(pageToken).build(), call);
          } catch (StatusRuntimeException e) {
            Duration delay = ErrorDetails.from(e).retryDelay();
            boolean wait = e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED
                && !delay.isZero() && !delay.isNegative()
                && waited.plus(delay).compareTo(options.listAllMaxWait()) <= 0;
            if (!wait || !sleep(delay)) throw e;
            waited = waited.plus(delay);
            continue;
          }
          page.addAll(response.getUploadTokensList());
          pageToken = response.getNextPageToken();
          lastPage = pageToken.isEmpty();
        }
        return !page.isEmpty();
      }

      @Override
      public UploadToken next() {
        if (!hasNext()) throw new NoSuchElementException();
        return page.removeFirst();
      }
    };
  }

  public PurgeUploadTokensResponse purge(PurgeUploadTokensRequest request) {
    return purge(request, CallSettings.DEFAULT);
  }

  /** Deletes (force) or counts the tokens {@code request.filter} matches. */
  public PurgeUploadTokensResponse purge(PurgeUploadTokensRequest request, CallSettings call) {
    return call(call, deadlineOf(call), s -> s.purgeUploadTokens(request));
  }

  private Deadline deadlineOf(CallSettings call) {
    Duration timeout = call.timeout() != null ? call.timeout() : options.defaultTimeout();
    return Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Runs one call with the call's metadata and deadline; reports its response metadata. */
  private <T> T call(CallSettings call, Deadline deadline,
      Function<UploadTokenServiceBlockingStub, T> method) {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    UploadTokenServiceBlockingStub s = stub.withDeadline(deadline).withInterceptors(
        MetadataUtils.newAttachHeadersInterceptor(call.headers()),
        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
    try {
      return method.apply(s);
    } finally {
      if (call.responseMetadata() != null) {
        call.responseMetadata().set(headers.get(), trailers.get());
      }
    }
  }

  /** Sleeps; false (and the interrupt kept) when interrupted. */
  private static boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
