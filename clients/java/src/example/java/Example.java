// Walks through UploadTokenService and checks every answer; exits non-zero on
// any mismatch. Usage: GATEWAY_ADDRESS=host:port java -cp ... Example
// (clients/java/run-example.sh builds and runs it).

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import video.api.uploadtokens.v1.CreateUploadTokenRequest;
import video.api.uploadtokens.v1.DeleteUploadTokenRequest;
import video.api.uploadtokens.v1.GetUploadTokenRequest;
import video.api.uploadtokens.v1.ListUploadTokensRequest;
import video.api.uploadtokens.v1.UploadToken;
import video.api.uploadtokens.v1.UploadTokenServiceGrpc.UploadTokenServiceBlockingStub;
import video.api.uploadtokens.v1.client.ErrorDetails;
import video.api.uploadtokens.v1.client.UploadTokenClients;

public final class Example {
  private static void check(boolean ok, String what) {
    if (!ok) {
      System.err.println("FAIL: " + what);
      System.exit(1);
    }
  }

  private static void print(ErrorDetails d) {
    System.out.println("  code=" + d.code() + " message=\"" + d.message() + "\"");
    d.errorInfo().ifPresent(i -> System.out.println("  ErrorInfo: domain=" + i.getDomain()
        + " reason=" + i.getReason() + " metadata=" + i.getMetadataMap()));
    d.resourceInfo().ifPresent(r -> System.out.println("  ResourceInfo: type="
        + r.getResourceType() + " name=" + r.getResourceName()));
    d.retryInfo().ifPresent(r -> System.out.println("  RetryInfo: retry_delay="
        + r.getRetryDelay().getSeconds() + "s"));
    d.badRequest().ifPresent(b -> b.getFieldViolationsList().forEach(v ->
        System.out.println("  BadRequest: " + v.getField() + ": " + v.getDescription())));
  }

  private static ErrorDetails expectError(Runnable call, String what) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return ErrorDetails.from(e);
    }
    check(false, what + " should fail");
    return null;
  }

  /** Sets the emulator's reads per window (its test-only control surface). */
  private static void setReadLimit(String emulatorUrl, int reads) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create(emulatorUrl.replaceAll("/$", "") + "/_emulator/ratelimit"))
        .timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"reads\": " + reads + "}"))
        .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    check(response.statusCode() == 200, "emulator rate limit");
  }

  public static void main(String[] args) throws Exception {
    String address = System.getenv().getOrDefault("GATEWAY_ADDRESS", "localhost:50051");
    ManagedChannel channel = ManagedChannelBuilder.forTarget(address).usePlaintext().build();
    try {
      // Every call gets 5 s unless it carries a deadline...
      UploadTokenServiceBlockingStub stub =
          UploadTokenClients.blockingStub(channel, Duration.ofSeconds(5));
      // ...and here each one also sets its own, explicitly.
      Supplier<UploadTokenServiceBlockingStub> call =
          () -> stub.withDeadlineAfter(5, TimeUnit.SECONDS);

      List<UploadToken> created = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        UploadToken token = call.get().createUploadToken(
            CreateUploadTokenRequest.newBuilder().setTtl(3600 + i).build());
        check(!token.getToken().isEmpty() && token.getTtl() == 3600 + i, "create");
        created.add(token);
      }
      System.out.println("created " + created.size() + " tokens, first "
          + created.get(0).getToken());
      String first = created.get(0).getToken();

      // A retry with the same request_id gets the same token, not a second one.
      String requestId = UUID.randomUUID().toString();
      CreateUploadTokenRequest once =
          CreateUploadTokenRequest.newBuilder().setTtl(60).setRequestId(requestId).build();
      UploadToken onceToken = call.get().createUploadToken(once);
      UploadToken againToken = call.get().createUploadToken(once);
      System.out.println("request_id " + requestId + ": " + onceToken.getToken() + ", then "
          + againToken.getToken());
      check(onceToken.getToken().equals(againToken.getToken()), "request_id: one token");
      created.add(onceToken);

      UploadToken got = call.get().getUploadToken(
          GetUploadTokenRequest.newBuilder().setToken(first).build());
      System.out.println("got " + got.getToken() + " ttl=" + got.getTtl()
          + " expires_at=" + got.getExpiresAt().getSeconds() + "s");
      check(got.getToken().equals(first) && got.getTtl() == 3600, "get");

      // Every page, two at a time, with page_token (listAll does it).
      List<String> listed = new ArrayList<>();
      for (UploadToken token : UploadTokenClients.listAll(call.get(),
          ListUploadTokensRequest.newBuilder().setPageSize(2).setOrderBy("created_at asc")
              .build())) {
        listed.add(token.getToken());
      }
      System.out.println("listed " + listed.size() + " tokens");
      check(new HashSet<>(listed).size() == listed.size(), "list has no duplicates");
      for (UploadToken token : created) {
        check(listed.contains(token.getToken()), "list has every created token");
      }

      for (UploadToken token : created) {
        call.get().deleteUploadToken(
            DeleteUploadTokenRequest.newBuilder().setToken(token.getToken()).build());
      }
      System.out.println("deleted " + created.size() + " tokens");

      ErrorDetails d = expectError(() -> call.get().getUploadToken(
          GetUploadTokenRequest.newBuilder().setToken(first).build()), "get after delete");
      System.out.println("get after delete:");
      print(d);
      check(d.code() == Status.Code.NOT_FOUND, "NOT_FOUND");
      check(d.errorInfo().map(i -> i.getDomain().equals("api.video")).orElse(false), "ErrorInfo");
      check(d.reason().equals("RESOURCE_NOT_FOUND"), "ErrorInfo.reason");
      check(d.resourceInfo().map(r -> r.getResourceName().equals(first)
          && r.getResourceType().equals("apivideo.uploadtokens.v1.UploadToken")).orElse(false),
          "ResourceInfo");

      d = expectError(() -> call.get().getUploadToken(
          GetUploadTokenRequest.newBuilder().setToken("not a token!").build()),
          "a malformed token");
      System.out.println("get with a malformed token:");
      print(d);
      check(d.code() == Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT");
      check(d.badRequest().map(b -> b.getFieldViolationsCount() == 1
          && b.getFieldViolations(0).getField().equals("token")).orElse(false), "BadRequest");

      // Against the emulator (clients/testing/with-gateway.sh), exhaust
      // api.video's read limit: RESOURCE_EXHAUSTED with RetryInfo.
      String emulator = System.getenv("EMULATOR_URL");
      if (emulator != null && !emulator.isEmpty()) {
        String second = created.get(1).getToken();
        setReadLimit(emulator, 0);
        try {
          d = expectError(() -> call.get().getUploadToken(
              GetUploadTokenRequest.newBuilder().setToken(second).build()), "a rate-limited get");
        } finally {
          setReadLimit(emulator, 1000000);
        }
        System.out.println("get over the rate limit:");
        print(d);
        check(d.code() == Status.Code.RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED");
        check(d.reason().equals("TOO_MANY_REQUESTS"), "ErrorInfo.reason");
        check(d.retryInfo().map(r -> r.getRetryDelay().getSeconds() > 0).orElse(false),
            "RetryInfo");
      }
      System.out.println("OK");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
