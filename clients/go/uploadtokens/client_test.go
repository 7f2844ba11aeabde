package uploadtokens_test

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/resolver/manual"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"upload-token-gateway.internal/clients/go/uploadtokens"
	pb "upload-token-gateway.internal/clients/go/uploadtokens/uploadtokenspb"
)

// fakeGateway answers from its fields; each handler may be nil (then the
// method is UNIMPLEMENTED). It records every request it gets.
type fakeGateway struct {
	pb.UnimplementedUploadTokenServiceServer
	create func(context.Context, *pb.CreateUploadTokenRequest) (*pb.UploadToken, error)
	get    func(context.Context, *pb.GetUploadTokenRequest) (*pb.UploadToken, error)
	list   func(context.Context, *pb.ListUploadTokensRequest) (*pb.ListUploadTokensResponse, error)

	mu       sync.Mutex
	creates  []*pb.CreateUploadTokenRequest
	gets     int
	listings []*pb.ListUploadTokensRequest
}

func (f *fakeGateway) CreateUploadToken(ctx context.Context, r *pb.CreateUploadTokenRequest) (*pb.UploadToken, error) {
	f.mu.Lock()
	f.creates = append(f.creates, r)
	f.mu.Unlock()
	return f.create(ctx, r)
}

func (f *fakeGateway) GetUploadToken(ctx context.Context, r *pb.GetUploadTokenRequest) (*pb.UploadToken, error) {
	f.mu.Lock()
	f.gets++
	f.mu.Unlock()
	return f.get(ctx, r)
}

func (f *fakeGateway) ListUploadTokens(ctx context.Context, r *pb.ListUploadTokensRequest) (*pb.ListUploadTokensResponse, error) {
	f.mu.Lock()
	f.listings = append(f.listings, r)
	f.mu.Unlock()
	return f.list(ctx, r)
}

// count is the number of GetUploadToken calls so far.
func (f *fakeGateway) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gets
}

// serve starts f on a loopback port; it stops with the test.
func serve(t *testing.T, f *fakeGateway) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := grpc.NewServer()
	pb.RegisterUploadTokenServiceServer(server, f)
	go server.Serve(listener) //nolint:errcheck // ends with Stop
	t.Cleanup(server.Stop)
	return listener.Addr().String()
}

// newClient is a Client on a plaintext channel from Dial to target.
func newClient(t *testing.T, target string, options uploadtokens.ClientOptions,
	dialOptions ...grpc.DialOption) *uploadtokens.Client {
	t.Helper()
	conn, err := uploadtokens.Dial(uploadtokens.ChannelOptions{Target: target, DialOptions: dialOptions})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return uploadtokens.NewClient(conn, options)
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewRequestIDIsAFreshUUIDv4(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		id := uploadtokens.NewRequestID()
		if !uuidV4.MatchString(id) || seen[id] {
			t.Fatalf("request id %q: not a fresh UUIDv4", id)
		}
		seen[id] = true
	}
}

func TestCreateRetriesUnavailableWithOneRequestID(t *testing.T) {
	f := &fakeGateway{}
	f.create = func(_ context.Context, r *pb.CreateUploadTokenRequest) (*pb.UploadToken, error) {
		if len(f.creates) < 3 {
			return nil, status.Error(codes.Unavailable, "replica restarting")
		}
		return &pb.UploadToken{Token: "to1", Ttl: r.GetTtl()}, nil
	}
	client := newClient(t, serve(t, f), uploadtokens.ClientOptions{CreateBackoff: time.Millisecond})
	request := &pb.CreateUploadTokenRequest{Ttl: proto.Int32(60)}
	token, err := client.Create(context.Background(), request)
	if err != nil || token.GetToken() != "to1" || token.GetTtl() != 60 {
		t.Fatalf("Create: %v, %v", token, err)
	}
	if len(f.creates) != 3 {
		t.Fatalf("%d attempts, want 3", len(f.creates))
	}
	id := f.creates[0].GetRequestId()
	if !uuidV4.MatchString(id) {
		t.Fatalf("request_id %q is not a UUIDv4", id)
	}
	for _, r := range f.creates {
		if r.GetRequestId() != id {
			t.Fatalf("request_ids %q and %q: a retry must reuse the first", id, r.GetRequestId())
		}
	}
	if request.GetRequestId() != "" {
		t.Fatal("Create changed the caller's request")
	}

	// A second Create is a second token: a new request_id.
	if _, err := client.Create(context.Background(), request); err != nil {
		t.Fatal(err)
	}
	if got := f.creates[3].GetRequestId(); got == id || !uuidV4.MatchString(got) {
		t.Fatalf("second Create sent request_id %q after %q", got, id)
	}
}

func TestCreateKeepsTheCallersRequestID(t *testing.T) {
	f := &fakeGateway{create: func(context.Context, *pb.CreateUploadTokenRequest) (*pb.UploadToken, error) {
		return &pb.UploadToken{Token: "to1"}, nil
	}}
	client := newClient(t, serve(t, f), uploadtokens.ClientOptions{})
	if _, err := client.Create(context.Background(), &pb.CreateUploadTokenRequest{RequestId: "mine"}); err != nil {
		t.Fatal(err)
	}
	if got := f.creates[0].GetRequestId(); got != "mine" {
		t.Fatalf("request_id %q, want the caller's", got)
	}
}

func TestCreateIsNotRetriedOnOtherErrorsNorByTheChannel(t *testing.T) {
	for _, c := range []struct {
		code     codes.Code
		attempts int
		want     int
	}{
		{codes.InvalidArgument, 3, 1},
		{codes.ResourceExhausted, 3, 1},
		// The channel's retry policy must not cover Create: only the
		// client's own attempts reach the gateway.
		{codes.Unavailable, 1, 1},
		{codes.Unavailable, 2, 2},
	} {
		f := &fakeGateway{create: func(context.Context, *pb.CreateUploadTokenRequest) (*pb.UploadToken, error) {
			return nil, status.Error(c.code, "no")
		}}
		client := newClient(t, serve(t, f), uploadtokens.ClientOptions{
			CreateAttempts: c.attempts, CreateBackoff: time.Millisecond})
		_, err := client.Create(context.Background(), nil)
		if status.Code(err) != c.code || len(f.creates) != c.want {
			t.Errorf("%v with %d attempts: %v after %d calls, want %d calls",
				c.code, c.attempts, err, len(f.creates), c.want)
		}
	}
}

func TestGetIsRetriedOnUnavailableByTheChannel(t *testing.T) {
	// grpc-go < 1.40 retries only with GRPC_GO_RETRY=on (test-package.sh
	// sets it); later ones always.
	f := &fakeGateway{}
	f.get = func(_ context.Context, r *pb.GetUploadTokenRequest) (*pb.UploadToken, error) {
		if f.gets == 1 {
			return nil, status.Error(codes.Unavailable, "replica restarting")
		}
		return &pb.UploadToken{Token: r.GetToken()}, nil
	}
	client := newClient(t, serve(t, f), uploadtokens.ClientOptions{})
	token, err := client.Get(context.Background(), "to1")
	if err != nil || token.GetToken() != "to1" || f.gets != 2 {
		t.Fatalf("Get: %v, %v after %d calls; want to1 after 2 (is GRPC_GO_RETRY=on?)", token, err, f.gets)
	}
}

// tokens are the fake's listing: to0, to1, ...
func listing(n int) []*pb.UploadToken {
	var tokens []*pb.UploadToken
	for i := 0; i < n; i++ {
		tokens = append(tokens, &pb.UploadToken{Token: fmt.Sprintf("to%d", i)})
	}
	return tokens
}

// pages answers ListUploadTokens from tokens, page_token being the offset.
func pages(tokens []*pb.UploadToken) func(context.Context, *pb.ListUploadTokensRequest) (*pb.ListUploadTokensResponse, error) {
	return func(_ context.Context, r *pb.ListUploadTokensRequest) (*pb.ListUploadTokensResponse, error) {
		offset := 0
		fmt.Sscan(r.GetPageToken(), &offset) //nolint:errcheck // "" is 0
		end := offset + int(r.GetPageSize())
		if end > len(tokens) {
			end = len(tokens)
		}
		page := &pb.ListUploadTokensResponse{UploadTokens: tokens[offset:end]}
		if end < len(tokens) {
			page.NextPageToken = fmt.Sprint(end)
		}
		return page, nil
	}
}

func exhausted(delay time.Duration) error {
	s, err := status.New(codes.ResourceExhausted, "read limit").WithDetails(
		&errdetails.RetryInfo{RetryDelay: durationpb.New(delay)})
	if err != nil {
		panic(err)
	}
	return s.Err()
}

func TestListAllWalksEveryPageAndWaitsOutRetryInfo(t *testing.T) {
	f := &fakeGateway{}
	answer := pages(listing(5))
	refused := false
	f.list = func(ctx context.Context, r *pb.ListUploadTokensRequest) (*pb.ListUploadTokensResponse, error) {
		if r.GetPageToken() == "2" && !refused {
			refused = true
			return nil, exhausted(50 * time.Millisecond)
		}
		return answer(ctx, r)
	}
	client := newClient(t, serve(t, f), uploadtokens.ClientOptions{})
	start := time.Now()
	it := client.ListAll(context.Background(),
		&pb.ListUploadTokensRequest{PageSize: 2, Filter: "creator=\"x\""})
	var got []string
	for it.Next() {
		got = append(got, it.Token().GetToken())
	}
	if it.Err() != nil || fmt.Sprint(got) != "[to0 to1 to2 to3 to4]" {
		t.Fatalf("ListAll: %v, %v", got, it.Err())
	}
	if it.Pages() != 3 || len(f.listings) != 4 {
		t.Fatalf("%d pages in %d calls, want 3 in 4", it.Pages(), len(f.listings))
	}
	if it.Waited() != 50*time.Millisecond || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("waited %v, want RetryInfo's 50ms", it.Waited())
	}
	for _, r := range f.listings {
		if r.GetPageSize() != 2 || r.GetFilter() != "creator=\"x\"" {
			t.Fatalf("page request %v lost the first's page_size or filter", r)
		}
	}
}

func TestListAllGivesUpBeyondItsMaxWait(t *testing.T) {
	f := &fakeGateway{list: func(context.Context, *pb.ListUploadTokensRequest) (*pb.ListUploadTokensResponse, error) {
		return nil, exhausted(time.Second)
	}}
	client := newClient(t, serve(t, f), uploadtokens.ClientOptions{ListAllMaxWait: 100 * time.Millisecond})
	start := time.Now()
	it := client.ListAll(context.Background(), nil)
	if it.Next() || status.Code(it.Err()) != codes.ResourceExhausted {
		t.Fatalf("ListAll: %v, want RESOURCE_EXHAUSTED", it.Err())
	}
	if elapsed := time.Since(start); elapsed > 500*time.Millisecond || len(f.listings) != 1 {
		t.Fatalf("gave up after %v and %d calls, want at once", elapsed, len(f.listings))
	}
}

func TestDefaultDeadlineAndItsOverride(t *testing.T) {
	f := &fakeGateway{get: func(ctx context.Context, r *pb.GetUploadTokenRequest) (*pb.UploadToken, error) {
		select {
		case <-time.After(300 * time.Millisecond):
			return &pb.UploadToken{Token: r.GetToken()}, nil
		case <-ctx.Done():
			// As a gRPC server answers a call past its deadline: a bare
			// ctx.Err() would go out as UNKNOWN, and on a loaded machine
			// that answer can reach the client before its own timer fires.
			return nil, status.Error(codes.DeadlineExceeded, ctx.Err().Error())
		}
	}}
	client := newClient(t, serve(t, f), uploadtokens.ClientOptions{DefaultTimeout: 50 * time.Millisecond})
	if _, err := client.Get(context.Background(), "to1"); status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("Get under the 50ms default: %v, want DEADLINE_EXCEEDED", err)
	}
	if _, err := client.Get(context.Background(), "to1", uploadtokens.WithTimeout(5*time.Second)); err != nil {
		t.Fatalf("Get with a 5s override: %v", err)
	}
}

func TestMetadataInAndOut(t *testing.T) {
	var seen metadata.MD
	f := &fakeGateway{get: func(ctx context.Context, r *pb.GetUploadTokenRequest) (*pb.UploadToken, error) {
		seen, _ = metadata.FromIncomingContext(ctx)
		grpc.SetHeader(ctx, metadata.Pairs("x-cache", "hit", "x-ratelimit-remaining", "7")) //nolint:errcheck
		grpc.SetTrailer(ctx, metadata.Pairs("x-done", "yes"))                               //nolint:errcheck
		return &pb.UploadToken{Token: r.GetToken()}, nil
	}}
	client := newClient(t, serve(t, f), uploadtokens.ClientOptions{})
	var response uploadtokens.ResponseMetadata
	_, err := client.Get(context.Background(), "to1",
		uploadtokens.WithMetadata("traceparent", "00-abc-def-01"),
		uploadtokens.WithResponseMetadata(&response))
	if err != nil {
		t.Fatal(err)
	}
	if got := seen.Get("traceparent"); len(got) != 1 || got[0] != "00-abc-def-01" {
		t.Fatalf("the gateway got traceparent %v", got)
	}
	if response.Get("x-cache") != "hit" || response.Get("x-ratelimit-remaining") != "7" ||
		response.Get("x-done") != "yes" {
		t.Fatalf("response metadata %+v", response)
	}
	if _, ok := response.Lookup("x-absent"); ok {
		t.Fatal("Lookup found an absent key")
	}
}

func TestDecodeErrorDetails(t *testing.T) {
	s, err := status.New(codes.NotFound, "no such token").WithDetails(
		&errdetails.ErrorInfo{Domain: "api.video", Reason: "RESOURCE_NOT_FOUND",
			Metadata: map[string]string{"token": "to1"}},
		&errdetails.ResourceInfo{ResourceType: "apivideo.uploadtokens.v1.UploadToken", ResourceName: "to1"},
		&errdetails.RetryInfo{RetryDelay: durationpb.New(3 * time.Second)},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "token"}}},
		&errdetails.QuotaFailure{Violations: []*errdetails.QuotaFailure_Violation{{Subject: "reads"}}},
		&errdetails.Help{Links: []*errdetails.Help_Link{{Url: "https://example.test"}}})
	if err != nil {
		t.Fatal(err)
	}
	// Through a real call: the details travel in grpc-status-details-bin.
	f := &fakeGateway{get: func(context.Context, *pb.GetUploadTokenRequest) (*pb.UploadToken, error) {
		return nil, s.Err()
	}}
	_, err = newClient(t, serve(t, f), uploadtokens.ClientOptions{}).Get(context.Background(), "to1")
	d := uploadtokens.DecodeErrorDetails(err)
	if d.Code != codes.NotFound || d.Message != "no such token" ||
		d.ErrorInfo.GetDomain() != "api.video" || d.Reason() != "RESOURCE_NOT_FOUND" ||
		d.Metadata("token") != "to1" || d.ResourceInfo.GetResourceName() != "to1" ||
		d.RetryDelay() != 3*time.Second ||
		d.BadRequest.GetFieldViolations()[0].GetField() != "token" ||
		d.QuotaFailure.GetViolations()[0].GetSubject() != "reads" ||
		len(d.Others) != 1 || d.Others[0].GetTypeUrl() != "type.googleapis.com/google.rpc.Help" {
		t.Fatalf("decoded %+v", d)
	}

	if uploadtokens.DecodeErrorDetails(nil) != nil {
		t.Fatal("details of no error")
	}
	plain := uploadtokens.DecodeErrorDetails(fmt.Errorf("not grpc"))
	if plain.Code != codes.Unknown || plain.ErrorInfo != nil || plain.Reason() != "" || plain.RetryDelay() != 0 {
		t.Fatalf("decoded a plain error as %+v", plain)
	}
}

func TestRoundRobinOverEveryAddress(t *testing.T) {
	var gateways []*fakeGateway
	var addresses []resolver.Address
	for i := 0; i < 2; i++ {
		f := &fakeGateway{get: func(_ context.Context, r *pb.GetUploadTokenRequest) (*pb.UploadToken, error) {
			return &pb.UploadToken{Token: r.GetToken()}, nil
		}}
		gateways = append(gateways, f)
		addresses = append(addresses, resolver.Address{Addr: serve(t, f)})
	}
	// One name, two addresses, as a headless Service's DNS name.
	names := manual.NewBuilderWithScheme("fake")
	names.InitialState(resolver.State{Addresses: addresses})
	client := newClient(t, "fake:///gateway.test", uploadtokens.ClientOptions{}, grpc.WithResolvers(names))
	// The first calls may all go to the address that connected first:
	// round_robin takes the other once it is ready too, pick_first never.
	deadline := time.Now().Add(5 * time.Second)
	for (gateways[0].count() == 0 || gateways[1].count() == 0) && time.Now().Before(deadline) {
		if _, err := client.Get(context.Background(), "to1"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if gateways[0].count() == 0 || gateways[1].count() == 0 {
		t.Fatalf("calls per address: %d and %d; round_robin uses both", gateways[0].count(), gateways[1].count())
	}
}

func TestDialRefusesWhatCannotWork(t *testing.T) {
	for name, options := range map[string]uploadtokens.ChannelOptions{
		"no target":           {},
		"token without TLS":   {Target: "127.0.0.1:1", BearerToken: "secret"},
		"certificate, no key": {Target: "127.0.0.1:1", TLS: &uploadtokens.TLSOptions{ClientCertificatePEM: []byte("x")}},
		"CA that is not PEM":  {Target: "127.0.0.1:1", TLS: &uploadtokens.TLSOptions{RootCAsPEM: []byte("x")}},
	} {
		if conn, err := uploadtokens.Dial(options); err == nil {
			conn.Close()
			t.Errorf("%s: Dial succeeded", name)
		}
	}
	if _, err := uploadtokens.LoadTLSFiles("/nonexistent/ca.pem", "", ""); err == nil {
		t.Error("LoadTLSFiles of a missing file succeeded")
	}
}
