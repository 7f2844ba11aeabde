// Walks through UploadTokenService with the Java client, as a service in
// another repository would use it (it knows the client only through its jar),
// and checks every answer; exits non-zero on the first mismatch.
// clients/java/test-package.sh compiles and runs it outside the tree.
//
// Environment (clients/testing/with-gateway.sh --tls --replicas 2):
//   GATEWAY_TARGET              e.g. dns:///gateway.test:PORT
//   GATEWAY_HOST                the name behind it: the JVM must resolve it to
//                               two replicas (-Djdk.net.hosts.file=...)
//   GATEWAY_CA_FILE, GATEWAY_CLIENT_CERT_FILE, GATEWAY_CLIENT_KEY_FILE (mTLS)
//   GATEWAY_CALLER_TOKEN        the caller's bearer token
//   EMULATOR_URL                the api.video emulator, to exhaust its rate limit

import internal.uploadtokengateway.client.CallSettings;
import internal.uploadtokengateway.client.ChannelOptions;
import internal.uploadtokengateway.client.ClientOptions;
import internal.uploadtokengateway.client.ErrorDetails;
import internal.uploadtokengateway.client.RequestIds;
import internal.uploadtokengateway.client.ResponseMetadata;
import internal.uploadtokengateway.client.TlsOptions;
import internal.uploadtokengateway.client.UploadTokenClient;
import internal.uploadtokengateway.v1.CreateUploadTokenRequest;
import internal.uploadtokengateway.v1.ListUploadTokensRequest;
import internal.uploadtokengateway.v1.ListUploadTokensResponse;
import internal.uploadtokengateway.v1.PurgeUploadTokensRequest;
import internal.uploadtokengateway.v1.PurgeUploadTokensResponse;
import internal.uploadtokengateway.v1.UploadToken;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

public final class Example {
  private static int checks = 0;

  private static void check(boolean ok, String what) {
    if (!ok) {
      System.err.println("FAILED: " + what);
      System.exit(1);
    }
    checks++;
    System.out.println("ok: " + what);
  }

  private static String env(String name) {
    String value = System.getenv(name);
    return value == null ? "" : value;
  }

  private static Path path(String name) {
    return env(name).isEmpty() ? null : Path.of(env(name));
  }

  /** The error of a call that must fail, decoded. */
  private static ErrorDetails failure(Runnable call, String what) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      ErrorDetails details = ErrorDetails.from(e);
      System.out.println("  " + what + ": " + details);
      details.resourceInfo().ifPresent(r -> System.out.println(
          "    ResourceInfo: " + r.getResourceType() + " " + r.getResourceName()));
      details.badRequest().ifPresent(b -> b.getFieldViolationsList().forEach(v ->
          System.out.println("    BadRequest: " + v.getField() + ": " + v.getDescription())));
      details.retryInfo().ifPresent(r -> System.out.println(
          "    RetryInfo: " + details.retryDelay()));
      return details;
    }
    check(false, what + " fails");
    return null;
  }

  /** Sets the emulator's read limit (its test-only control surface). */
  private static void setReadLimit(String emulator, int reads, double windowSeconds)
      throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create(emulator.replaceAll("/$", "") + "/_emulator/ratelimit"))
        .timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"reads\": " + reads + ", \"window_seconds\": " + windowSeconds + "}"))
        .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    check(response.statusCode() == 200, "emulator read limit set to " + reads);
  }

  public static void main(String[] args) throws Exception {
    String target = env("GATEWAY_TARGET");
    check(!target.isEmpty(), "GATEWAY_TARGET is set: " + target);
    if (!env("GATEWAY_HOST").isEmpty()) {
      // What the dns:/// resolver will get: both replicas.
      InetAddress[] addresses = InetAddress.getAllByName(env("GATEWAY_HOST"));
      check(addresses.length == 2, env("GATEWAY_HOST") + " resolves to two replicas: "
          + List.of(addresses));
    }
    ChannelOptions options = ChannelOptions.newBuilder()
        .target(target)
        .tls(TlsOptions.fromFiles(path("GATEWAY_CA_FILE"), path("GATEWAY_CLIENT_CERT_FILE"),
            path("GATEWAY_CLIENT_KEY_FILE")))
        .bearerToken(env("GATEWAY_CALLER_TOKEN"))
        .build();
    check(!options.bearerToken().isEmpty(), "GATEWAY_CALLER_TOKEN is set");

    try {
      ChannelOptions.newBuilder().target(target).bearerToken("t").build();
      check(false, "a bearer token without TLS is refused");
    } catch (IllegalArgumentException e) {
      check(true, "a bearer token without TLS is refused: " + e.getMessage());
    }

    // The same channel without the token: the gateway must refuse it, which
    // shows that the token is what lets the calls below in.
    try (UploadTokenClient stranger =
        UploadTokenClient.connect(options.toBuilder().bearerToken("").build())) {
      ErrorDetails refused = failure(() -> stranger.create(60), "create without the token");
      check(refused.code() == Status.Code.UNAUTHENTICATED, "no token: UNAUTHENTICATED");
    }

    try (UploadTokenClient client = UploadTokenClient.connect(options)) {
      // Enough calls that round_robin sends some to each replica (the
      // harness checks each replica's /metrics afterwards).
      List<UploadToken> created = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        UploadToken token = client.create(3600 + i);
        check(!token.getToken().isEmpty() && token.getTtl() == 3600 + i,
            "create " + token.getToken() + " ttl " + token.getTtl());
        created.add(token);
      }
      String first = created.get(0).getToken();

      ResponseMetadata metadata = new ResponseMetadata();
      UploadToken got = client.get(first, CallSettings.newBuilder()
          .responseMetadata(metadata).header("x-example-call", "get").build());
      check(got.getToken().equals(first) && got.getTtl() == 3600, "get " + first);
      check(metadata.find("x-cache").isPresent(),
          "get returns the gateway's metadata: x-cache=" + metadata.find("x-cache").orElse(""));

      // Every page, two at a time, by the iterator.
      List<String> listed = new ArrayList<>();
      ResponseMetadata lastPage = new ResponseMetadata();
      ListUploadTokensRequest twoAPage =
          ListUploadTokensRequest.newBuilder().setPageSize(2).build();
      for (UploadToken token :
          client.listAll(twoAPage, CallSettings.newBuilder().responseMetadata(lastPage).build())) {
        listed.add(token.getToken());
      }
      check(listed.size() >= created.size(), "listAll went over every page: " + listed.size());
      check(new HashSet<>(listed).size() == listed.size(), "listAll: no duplicates");
      for (UploadToken token : created) {
        check(listed.contains(token.getToken()), "listAll has " + token.getToken());
      }
      ListUploadTokensResponse page = client.listPage(twoAPage);
      check(page.getUploadTokensCount() == 2 && !page.getNextPageToken().isEmpty(),
          "listPage: one page of two, and a next_page_token");

      ResponseMetadata listMetadata = new ResponseMetadata();
      client.listPage(twoAPage, CallSettings.newBuilder().responseMetadata(listMetadata).build());
      check(listMetadata.find("x-ratelimit-limit").isPresent()
              && listMetadata.find("x-ratelimit-remaining").isPresent(),
          "rate-limit metadata: x-ratelimit-limit=" + listMetadata.find("x-ratelimit-limit")
              .orElse("") + " x-ratelimit-remaining="
              + listMetadata.find("x-ratelimit-remaining").orElse(""));

      // request_id: the same one twice gives the same token; without one,
      // each create makes its own (the client sets a fresh one each time).
      CreateUploadTokenRequest withId = CreateUploadTokenRequest.newBuilder()
          .setTtl(60).setRequestId(RequestIds.newRequestId()).build();
      UploadToken once = client.create(withId);
      UploadToken again = client.create(withId);
      check(once.getToken().equals(again.getToken()),
          "the same request_id twice: one token " + once.getToken());
      UploadToken other = client.create(60);
      UploadToken another = client.create(60);
      check(!other.getToken().equals(another.getToken()),
          "two creates without request_id: two tokens");
      created.add(once);
      created.add(other);
      created.add(another);

      // Deadlines: a client whose default is far too short fails every call,
      // unless the call gives its own.
      try (UploadTokenClient hasty = UploadTokenClient.connect(options,
          ClientOptions.newBuilder().defaultTimeout(Duration.ofNanos(1)).build())) {
        ErrorDetails late = failure(() -> hasty.get(first), "get with a 1 ns default deadline");
        check(late.code() == Status.Code.DEADLINE_EXCEEDED, "default deadline: DEADLINE_EXCEEDED");
        UploadToken inTime = hasty.get(first,
            CallSettings.newBuilder().timeout(Duration.ofSeconds(10)).build());
        check(inTime.getToken().equals(first), "a per-call deadline overrides the default");
      }

      // Purge without force counts what it would delete, and deletes nothing.
      String creator = created.get(0).getCreator();
      check(!creator.isEmpty(), "the token names its creator: " + creator);
      PurgeUploadTokensResponse counted = client.purge(PurgeUploadTokensRequest.newBuilder()
          .setFilter("creator = \"" + creator + "\"").setForce(false).build());
      check(counted.getPurgeCount() > 0,
          "purge (dry run) counts " + counted.getPurgeCount() + " tokens of " + creator);

      for (UploadToken token : created) {
        client.delete(token.getToken());
      }
      check(true, "deleted " + created.size() + " tokens");

      ErrorDetails gone = failure(() -> client.get(first), "get after delete");
      check(gone.code() == Status.Code.NOT_FOUND, "NOT_FOUND");
      check(gone.errorInfo().map(i -> i.domain().equals("api.video")).orElse(false),
          "ErrorInfo.domain api.video");
      check(gone.reason().equals("RESOURCE_NOT_FOUND"), "ErrorInfo.reason RESOURCE_NOT_FOUND");
      check(gone.resourceInfo().map(r -> r.getResourceName().equals(first)
              && r.getResourceType().equals("apivideo.uploadtokens.v1.UploadToken"))
          .orElse(false), "ResourceInfo names the token");

      ErrorDetails bad = failure(() -> client.get("not a token!"), "get of a malformed token");
      check(bad.code() == Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT");
      check(bad.badRequest().map(b -> b.getFieldViolationsCount() == 1
          && b.getFieldViolations(0).getField().equals("token")).orElse(false),
          "BadRequest names the field token");

      String emulator = env("EMULATOR_URL");
      check(!emulator.isEmpty(), "EMULATOR_URL is set");
      // api.video's read window exhausted: RESOURCE_EXHAUSTED with RetryInfo.
      // Last: the gateway then holds this caller's reads back for a while.
      String second = created.get(1).getToken();
      setReadLimit(emulator, 0, 2);
      ErrorDetails limited;
      try {
        limited = failure(() -> client.get(second), "get over the rate limit");
      } finally {
        setReadLimit(emulator, 1000000, 1);
      }
      check(limited.code() == Status.Code.RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED");
      check(limited.reason().equals("TOO_MANY_REQUESTS"), "ErrorInfo.reason TOO_MANY_REQUESTS");
      check(limited.retryInfo().isPresent() && !limited.retryDelay().isZero(),
          "RetryInfo: retry after " + limited.retryDelay());

      // (listAll waiting out a RetryInfo is in the unit tests: once api.video
      // answered 429, the gateway itself holds the caller's reads back for a
      // window longer than a test should wait.)
    }
    System.out.println(checks + " passed, 0 failed");
  }
}
