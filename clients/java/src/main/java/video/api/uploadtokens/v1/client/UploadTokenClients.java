package video.api.uploadtokens.v1.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import video.api.uploadtokens.v1.ListUploadTokensRequest;
import video.api.uploadtokens.v1.ListUploadTokensResponse;
import video.api.uploadtokens.v1.UploadToken;
import video.api.uploadtokens.v1.UploadTokenServiceGrpc;

/**
 * Hand-written helpers over the generated UploadTokenServiceGrpc: stubs with a
 * deadline on every call by default, and an iterator over every page.
 */
public final class UploadTokenClients {
  /** The deadline of a call that has none of its own. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private UploadTokenClients() {}

  /**
   * An interceptor that gives every call without a deadline one of {@code timeout}.
   * (A stub's withDeadlineAfter fixes one instant for all its calls; this
   * starts the clock at each call.)
   */
  public static ClientInterceptor defaultDeadline(Duration timeout) {
    return new ClientInterceptor() {
      @Override
      public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
          MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
        if (options.getDeadline() == null) {
          options = options.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        return next.newCall(method, options);
      }
    };
  }

  /** A blocking stub whose calls get {@code timeout} unless they carry a deadline. */
  public static UploadTokenServiceGrpc.UploadTokenServiceBlockingStub blockingStub(
      Channel channel, Duration timeout) {
    return UploadTokenServiceGrpc.newBlockingStub(
        ClientInterceptors.intercept(channel, defaultDeadline(timeout)));
  }

  /** A blocking stub with DEFAULT_TIMEOUT. */
  public static UploadTokenServiceGrpc.UploadTokenServiceBlockingStub blockingStub(
      Channel channel) {
    return blockingStub(channel, DEFAULT_TIMEOUT);
  }

  /**
   * Every token of the listing, from request's page on, fetching the pages
   * lazily with next_page_token. A failed page throws StatusRuntimeException
   * from hasNext().
   */
  public static Iterable<UploadToken> listAll(
      UploadTokenServiceGrpc.UploadTokenServiceBlockingStub stub,
      ListUploadTokensRequest request) {
    return () -> new Iterator<UploadToken>() {
      private final ArrayDeque<UploadToken> page = new ArrayDeque<>();
      private String pageToken = request.getPageToken();
      private boolean done = false;

      @Override
      public boolean hasNext() {
        while (page.isEmpty() && !done) {
          ListUploadTokensResponse response =
              stub.listUploadTokens(request.toBuilder().setPageToken(pageToken).build());
          page.addAll(response.getUploadTokensList());
          pageToken = response.getNextPageToken();
          done = pageToken.isEmpty();
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
}
