// Walks through UploadTokenService and checks every answer; exits non-zero
// on any mismatch. Usage: GATEWAY_ADDRESS=host:port example
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	uploadtokensv1 "github.com/apivideo/upload-token-gateway/clients/go/apivideo/uploadtokens/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
)

func check(ok bool, what string) {
	if !ok {
		fmt.Fprintf(os.Stderr, "FAIL: %s\n", what)
		os.Exit(1)
	}
}

func must(err error, what string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %s: %v\n", what, err)
		os.Exit(1)
	}
}

func printDetails(d *uploadtokensv1.ErrorDetails) {
	fmt.Printf("  code=%s message=%q\n", d.Code, d.Message)
	if d.ErrorInfo != nil {
		fmt.Printf("  ErrorInfo: domain=%s reason=%s metadata=%v\n",
			d.ErrorInfo.Domain, d.ErrorInfo.Reason, d.ErrorInfo.Metadata)
	}
	if d.ResourceInfo != nil {
		fmt.Printf("  ResourceInfo: type=%s name=%s\n",
			d.ResourceInfo.ResourceType, d.ResourceInfo.ResourceName)
	}
	if d.RetryInfo != nil {
		fmt.Printf("  RetryInfo: retry_delay=%v\n", d.RetryInfo.RetryDelay.AsDuration())
	}
	if d.BadRequest != nil {
		for _, v := range d.BadRequest.FieldViolations {
			fmt.Printf("  BadRequest: %s: %s\n", v.Field, v.Description)
		}
	}
}

func main() {
	address := os.Getenv("GATEWAY_ADDRESS")
	if address == "" {
		address = "localhost:50051"
	}
	// Dial gives every call without a deadline of its own a default one.
	conn, err := uploadtokensv1.Dial(address, grpc.WithInsecure())
	must(err, "dial")
	defer conn.Close()
	client := uploadtokensv1.NewUploadTokenServiceClient(conn)
	// An explicit deadline for each call, shorter than the default.
	call := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.Background(), 5*time.Second)
	}

	var created []*uploadtokensv1.UploadToken
	for i := 0; i < 5; i++ {
		ctx, cancel := call()
		token, err := client.CreateUploadToken(ctx,
			&uploadtokensv1.CreateUploadTokenRequest{Ttl: proto.Int32(int32(3600 + i))})
		cancel()
		must(err, "create")
		check(token.Token != "" && token.Ttl == int32(3600+i), "create")
		created = append(created, token)
	}
	fmt.Printf("created %d tokens, first %s\n", len(created), created[0].Token)

	// A retry with the same request_id gets the same token, not a second one.
	requestID := newRequestID()
	var once [2]*uploadtokensv1.UploadToken
	for i := range once {
		ctx, cancel := call()
		once[i], err = client.CreateUploadToken(ctx,
			&uploadtokensv1.CreateUploadTokenRequest{Ttl: proto.Int32(60), RequestId: requestID})
		cancel()
		must(err, "create with request_id")
	}
	fmt.Printf("request_id %s: %s, then %s\n", requestID, once[0].Token, once[1].Token)
	check(once[0].Token == once[1].Token, "request_id: one token")
	created = append(created, once[0])

	ctx, cancel := call()
	got, err := client.GetUploadToken(ctx,
		&uploadtokensv1.GetUploadTokenRequest{Token: created[0].Token})
	cancel()
	must(err, "get")
	fmt.Printf("got %s ttl=%d expires_at=%s\n", got.Token, got.Ttl,
		got.ExpiresAt.AsTime().Format(time.RFC3339))
	check(got.Token == created[0].Token && got.Ttl == 3600, "get")

	// Every page, two at a time, with page_token (the iterator does it; each
	// page gets the connection's default deadline).
	listed := map[string]bool{}
	it := uploadtokensv1.ListAll(context.Background(), client,
		&uploadtokensv1.ListUploadTokensRequest{PageSize: 2, OrderBy: "created_at asc"})
	count := 0
	for it.Next() {
		listed[it.Token().Token] = true
		count++
	}
	must(it.Err(), "list")
	fmt.Printf("listed %d tokens\n", count)
	check(count == len(listed), "list has no duplicates")
	for _, token := range created {
		check(listed[token.Token], "list has every created token")
	}

	for _, token := range created {
		ctx, cancel := call()
		_, err := client.DeleteUploadToken(ctx,
			&uploadtokensv1.DeleteUploadTokenRequest{Token: token.Token})
		cancel()
		must(err, "delete")
	}
	fmt.Printf("deleted %d tokens\n", len(created))

	ctx, cancel = call()
	_, err = client.GetUploadToken(ctx,
		&uploadtokensv1.GetUploadTokenRequest{Token: created[0].Token})
	cancel()
	check(err != nil, "get after delete should fail")
	d := uploadtokensv1.Details(err)
	fmt.Println("get after delete:")
	printDetails(d)
	check(d.Code == codes.NotFound, "NOT_FOUND")
	check(d.ErrorInfo != nil && d.ErrorInfo.Domain == "api.video", "ErrorInfo")
	check(d.Reason() == "RESOURCE_NOT_FOUND", "ErrorInfo.reason")
	check(d.ResourceInfo != nil && d.ResourceInfo.ResourceName == created[0].Token &&
		d.ResourceInfo.ResourceType == "apivideo.uploadtokens.v1.UploadToken", "ResourceInfo")

	ctx, cancel = call()
	_, err = client.GetUploadToken(ctx, &uploadtokensv1.GetUploadTokenRequest{Token: "not a token!"})
	cancel()
	check(err != nil, "a malformed token should fail")
	d = uploadtokensv1.Details(err)
	fmt.Println("get with a malformed token:")
	printDetails(d)
	check(d.Code == codes.InvalidArgument, "INVALID_ARGUMENT")
	check(d.BadRequest != nil && len(d.BadRequest.FieldViolations) == 1 &&
		d.BadRequest.FieldViolations[0].Field == "token", "BadRequest")

	// Against the emulator (clients/testing/with-gateway.sh), exhaust
	// api.video's read limit: RESOURCE_EXHAUSTED with RetryInfo.
	if emulator := os.Getenv("EMULATOR_URL"); emulator != "" {
		setReadLimit(emulator, 0)
		ctx, cancel = call()
		_, err = client.GetUploadToken(ctx, &uploadtokensv1.GetUploadTokenRequest{Token: created[1].Token})
		cancel()
		setReadLimit(emulator, 1000000)
		check(err != nil, "a rate-limited get should fail")
		d = uploadtokensv1.Details(err)
		fmt.Println("get over the rate limit:")
		printDetails(d)
		check(d.Code == codes.ResourceExhausted, "RESOURCE_EXHAUSTED")
		check(d.Reason() == "TOO_MANY_REQUESTS", "ErrorInfo.reason")
		check(d.RetryInfo != nil && d.RetryInfo.RetryDelay.AsDuration() > 0, "RetryInfo")
	}
	fmt.Println("OK")
}

// setReadLimit sets the emulator's reads per window (its test-only control
// surface).
func setReadLimit(emulatorURL string, reads int) {
	client := http.Client{Timeout: 5 * time.Second}
	response, err := client.Post(strings.TrimRight(emulatorURL, "/")+"/_emulator/ratelimit",
		"application/json", bytes.NewBufferString(fmt.Sprintf(`{"reads": %d}`, reads)))
	must(err, "emulator rate limit")
	response.Body.Close()
	check(response.StatusCode == http.StatusOK, "emulator rate limit")
}

// newRequestID makes a random (version 4) UUID for CreateUploadTokenRequest.RequestId.
func newRequestID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
