// Command example walks through UploadTokenService with the uploadtokens
// client and checks every answer; it exits non-zero on the first mismatch.
// clients/go/test-package.sh builds it in a module of its own that requires
// upload-token-gateway.internal/clients/go, as a service in another
// repository would.
//
// Environment: GATEWAY_TARGET (e.g. dns:///gateway.test:50051; else
// GATEWAY_ADDRESS, host:port); for TLS GATEWAY_CA_FILE, and
// GATEWAY_CLIENT_CERT_FILE + GATEWAY_CLIENT_KEY_FILE for mTLS;
// GATEWAY_CALLER_TOKEN, the caller's bearer token; EMULATOR_URL, the api.video
// emulator whose rate limit it exhausts (skipped when unset).
package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"upload-token-gateway.internal/clients/go/uploadtokens"
	pb "upload-token-gateway.internal/clients/go/uploadtokens/uploadtokenspb"
)

func check(ok bool, what string, args ...interface{}) {
	what = fmt.Sprintf(what, args...)
	if !ok {
		fmt.Fprintf(os.Stderr, "FAILED: %s\n", what)
		os.Exit(1)
	}
	fmt.Printf("ok: %s\n", what)
}

func must(err error, what string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAILED: %s: %v\n", what, err)
		os.Exit(1)
	}
}

func printDetails(d *uploadtokens.ErrorDetails) {
	if d == nil {
		fmt.Println("  no error")
		return
	}
	fmt.Printf("  code=%s message=%q\n", d.Code, d.Message)
	if d.ErrorInfo != nil {
		fmt.Printf("  ErrorInfo: domain=%s reason=%s metadata=%v\n",
			d.ErrorInfo.Domain, d.ErrorInfo.Reason, d.ErrorInfo.Metadata)
	}
	if d.ResourceInfo != nil {
		fmt.Printf("  ResourceInfo: %s %s\n", d.ResourceInfo.ResourceType, d.ResourceInfo.ResourceName)
	}
	if d.RetryInfo != nil {
		fmt.Printf("  RetryInfo: retry_delay=%v\n", d.RetryDelay())
	}
	if d.BadRequest != nil {
		for _, v := range d.BadRequest.FieldViolations {
			fmt.Printf("  BadRequest: %s: %s\n", v.Field, v.Description)
		}
	}
}

// calls records what the program sent, through an interceptor: how many
// calls of each method, and the request_id of every CreateUploadToken; and it
// tells `exhausted` of each RESOURCE_EXHAUSTED answer.
type calls struct {
	mu         sync.Mutex
	count      map[string]int
	requestIDs []string
	exhausted  chan struct{}
}

func (c *calls) intercept(ctx context.Context, method string, request, reply interface{},
	cc *grpc.ClientConn, invoke grpc.UnaryInvoker, options ...grpc.CallOption) error {
	c.mu.Lock()
	c.count[method[strings.LastIndex(method, "/")+1:]]++
	if create, ok := request.(*pb.CreateUploadTokenRequest); ok {
		c.requestIDs = append(c.requestIDs, create.GetRequestId())
	}
	c.mu.Unlock()
	err := invoke(ctx, method, request, reply, cc, options...)
	if status.Code(err) == codes.ResourceExhausted {
		select {
		case c.exhausted <- struct{}{}:
		default:
		}
	}
	return err
}

func (c *calls) of(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count[method]
}

func channelOptions() uploadtokens.ChannelOptions {
	options := uploadtokens.ChannelOptions{
		Target:      os.Getenv("GATEWAY_TARGET"),
		BearerToken: os.Getenv("GATEWAY_CALLER_TOKEN"),
	}
	if options.Target == "" {
		options.Target = os.Getenv("GATEWAY_ADDRESS")
	}
	if ca := os.Getenv("GATEWAY_CA_FILE"); ca != "" {
		tlsOptions, err := uploadtokens.LoadTLSFiles(ca,
			os.Getenv("GATEWAY_CLIENT_CERT_FILE"), os.Getenv("GATEWAY_CLIENT_KEY_FILE"))
		must(err, "TLS files")
		options.TLS = tlsOptions
	}
	return options
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func main() {
	ctx := context.Background()
	options := channelOptions()
	check(options.Target != "", "GATEWAY_TARGET is set (%s)", options.Target)

	emulator := os.Getenv("EMULATOR_URL")
	if emulator != "" {
		// Windows of a second, so that waiting out the rate limit is quick.
		setLimits(emulator, `{"window_seconds": 1}`)
	}

	recorded := &calls{count: map[string]int{}, exhausted: make(chan struct{}, 1)}
	options.DialOptions = []grpc.DialOption{grpc.WithUnaryInterceptor(recorded.intercept)}
	conn, err := uploadtokens.Dial(options)
	must(err, "dial")
	defer conn.Close()
	gateway := uploadtokens.NewClient(conn, uploadtokens.ClientOptions{})

	_, err = uploadtokens.Dial(uploadtokens.ChannelOptions{Target: options.Target, BearerToken: "secret"})
	check(err != nil, "Dial refuses a bearer token without TLS")
	if options.BearerToken != "" {
		// The same channel without the token: the gateway must refuse it,
		// which shows that the token is what lets the calls below in.
		anonymous := options
		anonymous.BearerToken = ""
		anonymous.DialOptions = nil
		strangerConn, err := uploadtokens.Dial(anonymous)
		must(err, "dial without token")
		_, err = uploadtokens.NewClient(strangerConn, uploadtokens.ClientOptions{}).
			Create(ctx, &pb.CreateUploadTokenRequest{Ttl: proto.Int32(60)})
		strangerConn.Close()
		d := uploadtokens.DecodeErrorDetails(err)
		check(d.Code == codes.Unauthenticated, "a call without the caller's token is UNAUTHENTICATED (%v)", d.Code)
	}

	// Enough creates that round_robin sends some to each replica.
	var created []*pb.UploadToken
	var createMetadata uploadtokens.ResponseMetadata
	for i := 0; i < 8; i++ {
		token, err := gateway.Create(ctx, &pb.CreateUploadTokenRequest{Ttl: proto.Int32(int32(3600 + i))},
			uploadtokens.WithResponseMetadata(&createMetadata),
			uploadtokens.WithMetadata("x-example-call", fmt.Sprint("create-", i)))
		must(err, "create")
		check(token.GetToken() != "" && token.GetTtl() == int32(3600+i), "create %s (ttl %d)", token.GetToken(), token.GetTtl())
		created = append(created, token)
	}
	ids := map[string]bool{}
	for _, id := range recorded.requestIDs {
		check(uuidV4.MatchString(id) && !ids[id], "Create sent a fresh UUIDv4 request_id %s", id)
		ids[id] = true
	}
	check(len(ids) == len(created), "one request_id per Create (%d)", len(ids))
	check(createMetadata.Get("x-ratelimit-limit") != "" && createMetadata.Get("x-ratelimit-remaining") != "",
		"create returns the rate-limit metadata (x-ratelimit-limit: %s, x-ratelimit-remaining: %s)",
		createMetadata.Get("x-ratelimit-limit"), createMetadata.Get("x-ratelimit-remaining"))

	var getMetadata uploadtokens.ResponseMetadata
	got, err := gateway.Get(ctx, created[0].GetToken(), uploadtokens.WithResponseMetadata(&getMetadata))
	must(err, "get")
	check(got.GetToken() == created[0].GetToken() && got.GetTtl() == 3600, "get %s", got.GetToken())
	check(getMetadata.Get("x-cache") != "", "get returns the gateway's metadata (x-cache: %s)", getMetadata.Get("x-cache"))

	// Every page, two at a time.
	listsBefore := recorded.of("ListUploadTokens")
	it := gateway.ListAll(ctx, &pb.ListUploadTokensRequest{PageSize: 2})
	listed := map[string]bool{}
	count := 0
	for it.Next() {
		listed[it.Token().GetToken()] = true
		count++
	}
	must(it.Err(), "list all")
	check(count == len(listed), "list has no duplicates (%d tokens)", count)
	for _, token := range created {
		check(listed[token.GetToken()], "list has %s", token.GetToken())
	}
	check(it.Pages() >= (len(created)+1)/2 && recorded.of("ListUploadTokens")-listsBefore == it.Pages(),
		"list followed next_page_token over %d pages of 2", it.Pages())

	// A retry with the same request_id gets the same token.
	withID := &pb.CreateUploadTokenRequest{Ttl: proto.Int32(60), RequestId: uploadtokens.NewRequestID()}
	once, err := gateway.Create(ctx, withID)
	must(err, "create with request_id")
	again, err := gateway.Create(ctx, withID)
	must(err, "create with request_id again")
	check(once.GetToken() == again.GetToken(), "request_id %s: one token (%s)", withID.RequestId, once.GetToken())
	check(recorded.requestIDs[len(recorded.requestIDs)-1] == withID.RequestId, "Create keeps the caller's request_id")
	created = append(created, once)

	// Deadlines: a default too short for any call, overridden per call.
	hasty := uploadtokens.NewClient(conn, uploadtokens.ClientOptions{DefaultTimeout: time.Microsecond})
	_, err = hasty.Get(ctx, created[0].GetToken())
	check(uploadtokens.DecodeErrorDetails(err).Code == codes.DeadlineExceeded,
		"a call past its default deadline is DEADLINE_EXCEEDED (%v)", err)
	_, err = hasty.Get(ctx, created[0].GetToken(), uploadtokens.WithTimeout(10*time.Second))
	check(err == nil, "the same call with a per-call deadline of 10s succeeds (%v)", err)

	must(gateway.Delete(ctx, created[0].GetToken()), "delete "+created[0].GetToken())
	_, err = gateway.Get(ctx, created[0].GetToken())
	d := uploadtokens.DecodeErrorDetails(err)
	fmt.Println("get after delete:")
	printDetails(d)
	check(d.Code == codes.NotFound, "NOT_FOUND")
	check(d.ErrorInfo.GetDomain() == "api.video" && d.Reason() == "RESOURCE_NOT_FOUND", "ErrorInfo domain and reason")
	check(d.ResourceInfo.GetResourceName() == created[0].GetToken() &&
		d.ResourceInfo.GetResourceType() == "apivideo.uploadtokens.v1.UploadToken", "ResourceInfo")

	_, err = gateway.Get(ctx, "not a token!")
	d = uploadtokens.DecodeErrorDetails(err)
	fmt.Println("get with a malformed token:")
	printDetails(d)
	check(d.Code == codes.InvalidArgument, "INVALID_ARGUMENT")
	check(len(d.BadRequest.GetFieldViolations()) == 1 && d.BadRequest.GetFieldViolations()[0].GetField() == "token",
		"BadRequest names the field token")

	// Last of the reads: the gateway keeps what it learnt of the limit.
	if emulator != "" {
		checkRateLimit(ctx, conn, gateway, recorded, emulator, created[1:])
	}

	// Deletes are writes, which have a limit of their own.
	for _, token := range created[1:] {
		must(gateway.Delete(ctx, token.GetToken()), "delete "+token.GetToken())
	}
	fmt.Printf("deleted %d tokens\n", len(created))
	fmt.Println("all checks passed")
}

// checkRateLimit closes the emulator's read limit: a listing is
// RESOURCE_EXHAUSTED with RetryInfo; ListAll waits it out until the limit
// opens again, or gives up at once when it may not wait.
func checkRateLimit(ctx context.Context, conn *grpc.ClientConn, gateway *uploadtokens.Client,
	recorded *calls, emulator string, remaining []*pb.UploadToken) {
	setLimits(emulator, `{"reads": 0}`)
	var metadata uploadtokens.ResponseMetadata
	// A listing, which the gateway does not cache: it needs api.video.
	_, err := gateway.ListPage(ctx, &pb.ListUploadTokensRequest{PageSize: 2},
		uploadtokens.WithResponseMetadata(&metadata))
	d := uploadtokens.DecodeErrorDetails(err)
	fmt.Println("list over the rate limit:")
	printDetails(d)
	check(d.Code == codes.ResourceExhausted, "RESOURCE_EXHAUSTED")
	check(d.Reason() == "TOO_MANY_REQUESTS", "ErrorInfo.reason TOO_MANY_REQUESTS")
	check(d.RetryDelay() > 0, "RetryInfo (retry_delay %v)", d.RetryDelay())
	check(metadata.Get("x-ratelimit-remaining") == "0",
		"the error's metadata has x-ratelimit-remaining: 0 (%q)", metadata.Get("x-ratelimit-remaining"))

	impatient := uploadtokens.NewClient(conn, uploadtokens.ClientOptions{ListAllMaxWait: -1})
	it := impatient.ListAll(ctx, &pb.ListUploadTokensRequest{PageSize: 2})
	check(!it.Next() && uploadtokens.DecodeErrorDetails(it.Err()).Code == codes.ResourceExhausted &&
		it.Waited() == 0, "ListAll that may not wait gives RESOURCE_EXHAUSTED up at once (%v)", it.Err())

	// Open the limit again once ListAll has been refused (the gateway itself
	// waits for the limit within the call's deadline): ListAll must wait out
	// the refusal's RetryInfo, then go on.
	select {
	case <-recorded.exhausted: // the refusals above
	default:
	}
	reopened := make(chan struct{})
	go func() {
		defer close(reopened)
		select {
		case <-recorded.exhausted:
		case <-time.After(30 * time.Second):
		}
		setLimits(emulator, `{"reads": 1000000}`)
	}()
	it = gateway.ListAll(ctx, &pb.ListUploadTokensRequest{PageSize: 2})
	listed := map[string]bool{}
	for it.Next() {
		listed[it.Token().GetToken()] = true
	}
	<-reopened
	must(it.Err(), "list all under the rate limit")
	for _, token := range remaining {
		check(listed[token.GetToken()], "list under the rate limit has %s", token.GetToken())
	}
	check(it.Waited() > 0, "ListAll waited %v on RetryInfo, over %d pages", it.Waited(), it.Pages())
}

// setLimits sets the emulator's rate limits through its test-only control
// surface.
func setLimits(emulatorURL, limits string) {
	client := http.Client{Timeout: 5 * time.Second}
	response, err := client.Post(strings.TrimRight(emulatorURL, "/")+"/_emulator/ratelimit",
		"application/json", bytes.NewBufferString(limits))
	must(err, "emulator rate limit")
	response.Body.Close()
	check(response.StatusCode == http.StatusOK, "emulator rate limit %s", limits)
}
