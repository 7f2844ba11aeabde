package internal.uploadtokengateway.client;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Empty;
import com.google.rpc.BadRequest;
import com.google.rpc.RetryInfo;
import internal.uploadtokengateway.v1.CreateUploadTokenRequest;
import internal.uploadtokengateway.v1.GetUploadTokenRequest;
import internal.uploadtokengateway.v1.ListUploadTokensRequest;
import internal.uploadtokengateway.v1.ListUploadTokensResponse;
import internal.uploadtokengateway.v1.UploadToken;
import internal.uploadtokengateway.v1.UploadTokenServiceGrpc;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Unit tests of the helpers against an in-process fake of the service (no
 * JUnit: Debian 12 ships none by default; a plain main that exits non-zero on
 * a failure and ends with "N passed, N failed").
 */
public final class UploadTokenClientTest {
  private static int passed = 0;
  private static final List<String> failures = new ArrayList<>();

  /** A scripted fake: each call takes the next planned failure, if any. */
  static final class FakeService extends UploadTokenServiceGrpc.UploadTokenServiceImplBase {
    final List<String> requestIds = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger getCalls = new AtomicInteger();
    final AtomicInteger listCalls = new AtomicInteger();
    final List<Status> createFailures = Collections.synchronizedList(new ArrayList<>());
    final List<Status> getFailures = Collections.synchronizedList(new ArrayList<>());
    final List<StatusRuntimeException> listFailures =
        Collections.synchronizedList(new ArrayList<>());

    @Override
    public void createUploadToken(
        CreateUploadTokenRequest request, StreamObserver<UploadToken> out) {
      requestIds.add(request.getRequestId());
      if (!createFailures.isEmpty()) {
        out.onError(createFailures.remove(0).asRuntimeException());
        return;
      }
      out.onNext(UploadToken.newBuilder().setToken("to" + request.getRequestId().hashCode())
          .setTtl(request.getTtl()).build());
      out.onCompleted();
    }

    @Override
    public void getUploadToken(GetUploadTokenRequest request, StreamObserver<UploadToken> out) {
      getCalls.incrementAndGet();
      if (!getFailures.isEmpty()) {
        out.onError(getFailures.remove(0).asRuntimeException());
        return;
      }
      out.onNext(UploadToken.newBuilder().setToken(request.getToken()).build());
      out.onCompleted();
    }

    @Override
    public void listUploadTokens(
        ListUploadTokensRequest request, StreamObserver<ListUploadTokensResponse> out) {
      listCalls.incrementAndGet();
      if (!listFailures.isEmpty()) {
        out.onError(listFailures.remove(0));
        return;
      }
      // Five tokens t0..t4, page_size at a time; the page token is the offset.
      int from = request.getPageToken().isEmpty() ? 0 : Integer.parseInt(request.getPageToken());
      int to = Math.min(5, from + request.getPageSize());
      ListUploadTokensResponse.Builder page = ListUploadTokensResponse.newBuilder();
      for (int i = from; i < to; i++) page.addUploadTokens(UploadToken.newBuilder().setToken("t" + i));
      if (to < 5) page.setNextPageToken(Integer.toString(to));
      out.onNext(page.build());
      out.onCompleted();
    }

    @Override
    public void deleteUploadToken(
        internal.uploadtokengateway.v1.DeleteUploadTokenRequest request,
        StreamObserver<Empty> out) {
      out.onNext(Empty.getDefaultInstance());
      out.onCompleted();
    }
  }

  /** Records each call's headers and deadline; answers with some metadata. */
  static final class Recorder implements ServerInterceptor {
    volatile Metadata lastHeaders;
    volatile long lastDeadlineMillis = -1;

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      lastHeaders = headers;
      io.grpc.Deadline deadline = io.grpc.Context.current().getDeadline();
      lastDeadlineMillis = deadline == null ? -1 : deadline.timeRemaining(TimeUnit.MILLISECONDS);
      return next.startCall(new SimpleForwardingServerCall<ReqT, RespT>(call) {
        @Override
        public void sendHeaders(Metadata responseHeaders) {
          responseHeaders.put(key("x-ratelimit-remaining"), "41");
          responseHeaders.put(Metadata.Key.of("x-blob-bin", Metadata.BINARY_BYTE_MARSHALLER),
              new byte[] {1, 2});
          super.sendHeaders(responseHeaders);
        }

        @Override
        public void close(Status status, Metadata trailers) {
          trailers.put(key("x-trailer"), "end");
          super.close(status, trailers);
        }
      }, headers);
    }
  }

  static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  static void check(boolean ok, String what) {
    if (ok) {
      passed++;
      System.out.println("ok: " + what);
    } else {
      failures.add(what);
      System.out.println("FAILED: " + what);
    }
  }

  /** An error with a google.rpc.Status of the given details in its trailers. */
  static StatusRuntimeException richError(Status status, Any... details) {
    com.google.rpc.Status.Builder rpc = com.google.rpc.Status.newBuilder()
        .setCode(status.getCode().value()).setMessage(String.valueOf(status.getDescription()));
    for (Any any : details) rpc.addDetails(any);
    Metadata trailers = new Metadata();
    trailers.put(ErrorDetails.STATUS_DETAILS_KEY, rpc.build().toByteArray());
    return status.asRuntimeException(trailers);
  }

  /** google.rpc.ErrorInfo, encoded by hand (Debian's common protos lack the class). */
  static Any errorInfo(String reason, String domain, String metaKey, String metaValue)
      throws Exception {
    ByteArrayOutputStream entry = new ByteArrayOutputStream();
    CodedOutputStream e = CodedOutputStream.newInstance(entry);
    e.writeString(1, metaKey);
    e.writeString(2, metaValue);
    e.flush();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(1, reason);
    out.writeString(2, domain);
    out.writeBytes(3, ByteString.copyFrom(entry.toByteArray()));
    out.writeString(99, "a field this client does not know");
    out.flush();
    return Any.newBuilder().setTypeUrl(ErrorDetails.ERROR_INFO_TYPE)
        .setValue(ByteString.copyFrom(bytes.toByteArray())).build();
  }

  static Any retryInfo(Duration delay) {
    return Any.pack(RetryInfo.newBuilder().setRetryDelay(com.google.protobuf.Duration.newBuilder()
        .setSeconds(delay.getSeconds()).setNanos(delay.getNano())).build());
  }

  interface Body {
    void run() throws Exception;
  }

  static void test(String name, Body body) {
    try {
      body.run();
    } catch (Throwable t) {
      failures.add(name + ": " + t);
      System.out.println("FAILED: " + name + ": " + t);
    }
  }

  static StatusRuntimeException expectError(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call did not fail");
  }

  public static void main(String[] args) throws Exception {
    FakeService service = new FakeService();
    Recorder recorder = new Recorder();
    String name = InProcessServerBuilder.generateName();
    Server server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(ServerInterceptors.intercept(service, recorder)).build().start();
    // The service config of GatewayChannels, on an in-process channel.
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor()
        .defaultServiceConfig(GatewayChannels.defaultServiceConfig()).enableRetry().build();
    ClientOptions fast = ClientOptions.newBuilder().createBackoff(Duration.ofMillis(1))
        .defaultTimeout(Duration.ofSeconds(7)).build();
    UploadTokenClient client = new UploadTokenClient(channel, fast);

    test("service config", () -> {
      Map<String, ?> config = GatewayChannels.defaultServiceConfig();
      check(config.get("loadBalancingConfig").toString().contains("round_robin"),
          "service config: round_robin");
      String methods = config.get("methodConfig").toString();
      check(methods.contains("GetUploadToken") && methods.contains("ListUploadTokens")
              && !methods.contains("Create") && methods.contains("UNAVAILABLE"),
          "service config: retries UNAVAILABLE of Get and List only");
    });

    test("channel options", () -> {
      try {
        ChannelOptions.newBuilder().target("dns:///x:1").bearerToken("secret").build();
        check(false, "a token without TLS is refused");
      } catch (IllegalArgumentException e) {
        check(true, "a token without TLS is refused");
      }
      try {
        TlsOptions.newBuilder().clientCertificateChainPem("cert").build();
        check(false, "half a client certificate is refused");
      } catch (IllegalArgumentException e) {
        check(true, "half a client certificate is refused");
      }
    });

    test("request ids", () -> {
      String id = RequestIds.newRequestId();
      check(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
          "newRequestId is a UUIDv4: " + id);
      check(!id.equals(RequestIds.newRequestId()), "newRequestId: a new one each time");
    });

    test("create sets and reuses a request_id", () -> {
      service.requestIds.clear();
      service.createFailures.add(Status.UNAVAILABLE);
      service.createFailures.add(Status.UNAVAILABLE);
      UploadToken token = client.create(60);
      check(token.getTtl() == 60, "create succeeds on its third attempt");
      check(service.requestIds.size() == 3, "create: three attempts (" + service.requestIds + ")");
      check(!service.requestIds.get(0).isEmpty()
              && service.requestIds.stream().distinct().count() == 1,
          "create: the same fresh request_id on every attempt");
      service.requestIds.clear();
      client.create(60);
      client.create(60);
      check(!service.requestIds.get(0).equals(service.requestIds.get(1)),
          "create: a fresh request_id per create");
      service.requestIds.clear();
      client.create(CreateUploadTokenRequest.newBuilder().setRequestId("mine").build());
      check(service.requestIds.equals(List.of("mine")), "create keeps the caller's request_id");
    });

    test("create retries UNAVAILABLE only, within its attempts", () -> {
      service.requestIds.clear();
      service.createFailures.add(Status.INTERNAL);
      StatusRuntimeException e = expectError(() -> client.create(60));
      check(e.getStatus().getCode() == Status.Code.INTERNAL && service.requestIds.size() == 1,
          "create: INTERNAL is not retried");
      service.requestIds.clear();
      UploadTokenClient once = new UploadTokenClient(channel,
          ClientOptions.newBuilder().createAttempts(1).build());
      service.createFailures.add(Status.UNAVAILABLE);
      e = expectError(() -> once.create(60));
      check(e.getStatus().getCode() == Status.Code.UNAVAILABLE && service.requestIds.size() == 1,
          "create: gRPC's own retry policy does not retry it");
      service.createFailures.clear();
    });

    test("get is retried by the service config", () -> {
      service.getCalls.set(0);
      service.getFailures.add(Status.UNAVAILABLE);
      UploadToken token = client.get("abc");
      check(token.getToken().equals("abc") && service.getCalls.get() == 2,
          "get: UNAVAILABLE retried by gRPC (" + service.getCalls.get() + " calls)");
    });

    test("metadata and deadlines", () -> {
      ResponseMetadata metadata = new ResponseMetadata();
      client.get("abc", CallSettings.newBuilder().header("x-trace", "t-1")
          .responseMetadata(metadata).build());
      check("t-1".equals(recorder.lastHeaders.get(key("x-trace"))), "per-call metadata sent");
      check(metadata.find("x-ratelimit-remaining").equals(java.util.Optional.of("41")),
          "initial metadata returned");
      check(metadata.find("x-trailer").equals(java.util.Optional.of("end")),
          "trailing metadata returned");
      check(!metadata.initial().containsKey("x-blob-bin"), "binary metadata left out");
      check(recorder.lastDeadlineMillis > 5000 && recorder.lastDeadlineMillis <= 7000,
          "the default deadline (7 s): " + recorder.lastDeadlineMillis + " ms left");
      client.get("abc", CallSettings.newBuilder().timeout(Duration.ofSeconds(2)).build());
      check(recorder.lastDeadlineMillis > 0 && recorder.lastDeadlineMillis <= 2000,
          "a per-call deadline (2 s): " + recorder.lastDeadlineMillis + " ms left");
      service.getFailures.add(Status.NOT_FOUND);
      ResponseMetadata onError = new ResponseMetadata();
      expectError(() -> client.get("abc",
          CallSettings.newBuilder().responseMetadata(onError).build()));
      check(onError.find("x-trailer").isPresent(), "response metadata of a failed call too");
    });

    test("listAll", () -> {
      List<String> tokens = new ArrayList<>();
      ListUploadTokensRequest two = ListUploadTokensRequest.newBuilder().setPageSize(2).build();
      client.listAll(two).forEach(t -> tokens.add(t.getToken()));
      check(tokens.equals(List.of("t0", "t1", "t2", "t3", "t4")), "listAll: every page " + tokens);

      service.listCalls.set(0);
      service.listFailures.add(richError(Status.RESOURCE_EXHAUSTED,
          retryInfo(Duration.ofMillis(200))));
      long started = System.nanoTime();
      tokens.clear();
      client.listAll(two).forEach(t -> tokens.add(t.getToken()));
      long waitedMs = (System.nanoTime() - started) / 1_000_000;
      check(tokens.size() == 5 && service.listCalls.get() == 4 && waitedMs >= 200,
          "listAll waits out RetryInfo (" + waitedMs + " ms)");

      UploadTokenClient impatient = new UploadTokenClient(channel,
          ClientOptions.newBuilder().listAllMaxWait(Duration.ofMillis(100)).build());
      service.listFailures.add(richError(Status.RESOURCE_EXHAUSTED,
          retryInfo(Duration.ofMillis(200))));
      StatusRuntimeException e = expectError(() -> impatient.listAll(two).iterator().hasNext());
      check(e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED,
          "listAll gives up when the RetryInfo exceeds its max wait");
      service.listFailures.add(richError(Status.RESOURCE_EXHAUSTED));
      e = expectError(() -> client.listAll(two).iterator().hasNext());
      check(e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED,
          "listAll does not wait without RetryInfo");
    });

    test("error details", () -> {
      StatusRuntimeException e = richError(Status.NOT_FOUND.withDescription("gone"),
          errorInfo("RESOURCE_NOT_FOUND", "api.video", "token", "to1"),
          Any.pack(BadRequest.newBuilder().addFieldViolations(
              BadRequest.FieldViolation.newBuilder().setField("token")).build()),
          retryInfo(Duration.ofSeconds(3)),
          Any.pack(Empty.getDefaultInstance()));
      ErrorDetails d = ErrorDetails.from(e);
      check(d.code() == Status.Code.NOT_FOUND && d.message().equals("gone"), "code and message");
      check(d.reason().equals("RESOURCE_NOT_FOUND")
              && d.errorInfo().get().domain().equals("api.video")
              && d.metadata("token").equals("to1"), "ErrorInfo decoded: " + d.errorInfo().get());
      check(d.badRequest().get().getFieldViolations(0).getField().equals("token"), "BadRequest");
      check(d.retryDelay().equals(Duration.ofSeconds(3)), "RetryInfo");
      check(d.others().size() == 1 && d.status().isPresent(), "others kept packed");
      Metadata garbage = new Metadata();
      garbage.put(ErrorDetails.STATUS_DETAILS_KEY, new byte[] {(byte) 0xff, 0x01});
      ErrorDetails bare = ErrorDetails.of(Status.INTERNAL, garbage);
      check(bare.code() == Status.Code.INTERNAL && bare.errorInfo().isEmpty()
          && bare.status().isEmpty(), "unreadable details: code only");
      ErrorDetails none = ErrorDetails.from(Status.DEADLINE_EXCEEDED.asRuntimeException());
      check(none.reason().isEmpty() && none.retryDelay().isZero(), "no details: empty");
    });

    channel.shutdownNow();
    server.shutdownNow();
    System.out.println(passed + " passed, " + failures.size() + " failed");
    if (!failures.isEmpty()) System.exit(1);
  }
}
