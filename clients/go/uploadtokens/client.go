package uploadtokens

import (
	"context"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "upload-token-gateway.internal/clients/go/uploadtokens/uploadtokenspb"
)

// ClientOptions tune a Client; the zero value gives the defaults.
type ClientOptions struct {
	// The deadline of a call that gives none (WithTimeout); 0: 10 s. For
	// ListAll it applies to each page, and for Create to all its attempts
	// together. A ctx with an earlier deadline wins.
	DefaultTimeout time.Duration
	// Attempts of a Create that ends UNAVAILABLE (the gateway not reached,
	// or the connection lost with the answer); 0: 3, 1: no retry. Each sends
	// the same request_id, so the gateway creates at most one token.
	CreateAttempts int
	// The pause before a Create's second attempt, doubled for each next one;
	// 0: 100 ms.
	CreateBackoff time.Duration
	// How long ListAll may wait in all, following RetryInfo on
	// RESOURCE_EXHAUSTED, before it gives the error to its caller; 0: 60 s,
	// negative: never wait.
	ListAllMaxWait time.Duration
}

func (o ClientOptions) withDefaults() ClientOptions {
	if o.DefaultTimeout <= 0 {
		o.DefaultTimeout = 10 * time.Second
	}
	if o.CreateAttempts <= 0 {
		o.CreateAttempts = 3
	}
	if o.CreateBackoff <= 0 {
		o.CreateBackoff = 100 * time.Millisecond
	}
	if o.ListAllMaxWait == 0 {
		o.ListAllMaxWait = 60 * time.Second
	}
	return o
}

// ResponseMetadata is what the gateway sent beside its answer, e.g.
// x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-retry-after and
// x-cache (hit, miss, coalesced) in the header.
type ResponseMetadata struct {
	Header  metadata.MD
	Trailer metadata.MD
}

// Lookup is the first value of key (lower case) in the header, else in the
// trailer.
func (m *ResponseMetadata) Lookup(key string) (string, bool) {
	for _, md := range []metadata.MD{m.Header, m.Trailer} {
		if values := md.Get(key); len(values) > 0 {
			return values[0], true
		}
	}
	return "", false
}

// Get is Lookup's value, "" when absent.
func (m *ResponseMetadata) Get(key string) string {
	value, _ := m.Lookup(key)
	return value
}

// CallOption is a per-call option of the Client's methods.
type CallOption func(*callSettings)

type callSettings struct {
	timeout     time.Duration
	metadata    []string
	response    *ResponseMetadata
	grpcOptions []grpc.CallOption
}

// WithTimeout replaces ClientOptions.DefaultTimeout for this call.
func WithTimeout(timeout time.Duration) CallOption {
	return func(s *callSettings) { s.timeout = timeout }
}

// WithMetadata adds request metadata, as key, value pairs (e.g.
// "traceparent", "00-…"); an odd count panics, as metadata.Pairs does.
func WithMetadata(keyValues ...string) CallOption {
	if len(keyValues)%2 == 1 {
		panic("uploadtokens: WithMetadata needs key, value pairs")
	}
	return func(s *callSettings) { s.metadata = append(s.metadata, keyValues...) }
}

// WithResponseMetadata fills *into with the gateway's response metadata once
// the call is done, failed or not (for ListAll, that of the last page; for
// Create, of the last attempt).
func WithResponseMetadata(into *ResponseMetadata) CallOption {
	return func(s *callSettings) { s.response = into }
}

// WithGRPCCallOptions passes grpc.CallOptions on to every call it makes.
func WithGRPCCallOptions(options ...grpc.CallOption) CallOption {
	return func(s *callSettings) { s.grpcOptions = append(s.grpcOptions, options...) }
}

// Client calls UploadTokenService through a connection (Dial). Its methods
// are safe to call from several goroutines. Errors are gRPC status errors
// (status.Code, DecodeErrorDetails).
type Client struct {
	stub    pb.UploadTokenServiceClient
	options ClientOptions
}

// NewClient returns a Client on conn (usually Dial's *grpc.ClientConn).
func NewClient(conn grpc.ClientConnInterface, options ClientOptions) *Client {
	return &Client{stub: pb.NewUploadTokenServiceClient(conn), options: options.withDefaults()}
}

// Stub is the generated client, for anything not wrapped here.
func (c *Client) Stub() pb.UploadTokenServiceClient { return c.stub }

func (c *Client) settings(options []CallOption) callSettings {
	s := callSettings{timeout: c.options.DefaultTimeout}
	for _, option := range options {
		option(&s)
	}
	return s
}

// withDeadline is ctx with the call's timeout and request metadata.
func (s *callSettings) withDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	if len(s.metadata) > 0 {
		ctx = metadata.AppendToOutgoingContext(ctx, s.metadata...)
	}
	return ctx, cancel
}

// attempt runs one call with ctx as it is and reports its response metadata.
func (s *callSettings) attempt(ctx context.Context,
	call func(context.Context, ...grpc.CallOption) error) error {
	var header, trailer metadata.MD
	options := append(append([]grpc.CallOption(nil), s.grpcOptions...),
		grpc.Header(&header), grpc.Trailer(&trailer))
	err := call(ctx, options...)
	if s.response != nil {
		*s.response = ResponseMetadata{Header: header, Trailer: trailer}
	}
	return err
}

// unary runs one call with the call's deadline.
func (c *Client) unary(ctx context.Context, options []CallOption,
	call func(context.Context, ...grpc.CallOption) error) error {
	s := c.settings(options)
	ctx, cancel := s.withDeadline(ctx)
	defer cancel()
	return s.attempt(ctx, call)
}

// Create creates a token (request.Ttl: its lifetime in seconds, 0: never
// expires; nil: the caller's policy default). When request.RequestId is
// empty, Create sets a fresh one (NewRequestID) on a copy of request; it
// retries an UNAVAILABLE answer with that same request_id (see
// ClientOptions.CreateAttempts).
func (c *Client) Create(ctx context.Context, request *pb.CreateUploadTokenRequest,
	options ...CallOption) (*pb.UploadToken, error) {
	if request == nil {
		request = &pb.CreateUploadTokenRequest{}
	}
	if request.GetRequestId() == "" {
		request = proto.Clone(request).(*pb.CreateUploadTokenRequest)
		request.RequestId = NewRequestID()
	}
	s := c.settings(options)
	ctx, cancel := s.withDeadline(ctx)
	defer cancel()
	backoff := c.options.CreateBackoff
	for attempt := 1; ; attempt++ {
		var token *pb.UploadToken
		err := s.attempt(ctx, func(ctx context.Context, o ...grpc.CallOption) (err error) {
			token, err = c.stub.CreateUploadToken(ctx, request, o...)
			return err
		})
		// Only UNAVAILABLE says that the gateway may not have the request;
		// any other answer is the gateway's, and asking again would get it
		// again.
		if err == nil || status.Code(err) != codes.Unavailable ||
			attempt >= c.options.CreateAttempts || !sleep(ctx, backoff) {
			return token, err
		}
		backoff *= 2
	}
}

// sleep waits d unless ctx ends first or its deadline is less than d away:
// false then, without waiting.
func sleep(ctx context.Context, d time.Duration) bool {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= d {
		return false
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Get returns the token named token.
func (c *Client) Get(ctx context.Context, token string, options ...CallOption) (*pb.UploadToken, error) {
	var answer *pb.UploadToken
	err := c.unary(ctx, options, func(ctx context.Context, o ...grpc.CallOption) (err error) {
		answer, err = c.stub.GetUploadToken(ctx, &pb.GetUploadTokenRequest{Token: token}, o...)
		return err
	})
	return answer, err
}

// Delete deletes the token named token.
func (c *Client) Delete(ctx context.Context, token string, options ...CallOption) error {
	return c.unary(ctx, options, func(ctx context.Context, o ...grpc.CallOption) error {
		_, err := c.stub.DeleteUploadToken(ctx, &pb.DeleteUploadTokenRequest{Token: token}, o...)
		return err
	})
}

// ListPage returns one page, as request asks.
func (c *Client) ListPage(ctx context.Context, request *pb.ListUploadTokensRequest,
	options ...CallOption) (*pb.ListUploadTokensResponse, error) {
	var page *pb.ListUploadTokensResponse
	err := c.unary(ctx, options, func(ctx context.Context, o ...grpc.CallOption) (err error) {
		page, err = c.stub.ListUploadTokens(ctx, request, o...)
		return err
	})
	return page, err
}

// Purge deletes (request.Force) or counts the tokens request.Filter matches.
func (c *Client) Purge(ctx context.Context, request *pb.PurgeUploadTokensRequest,
	options ...CallOption) (*pb.PurgeUploadTokensResponse, error) {
	var answer *pb.PurgeUploadTokensResponse
	err := c.unary(ctx, options, func(ctx context.Context, o ...grpc.CallOption) (err error) {
		answer, err = c.stub.PurgeUploadTokens(ctx, request, o...)
		return err
	})
	return answer, err
}

// ListAll returns an iterator over every token of every page from request on
// (its PageSize, OrderBy and Filter apply to each page; nil: the gateway's
// defaults). Each page is one call with the call's deadline. A page refused
// with RESOURCE_EXHAUSTED and a RetryInfo is asked again after the delay it
// gives, within ClientOptions.ListAllMaxWait and ctx's deadline.
//
//	it := client.ListAll(ctx, &uploadtokenspb.ListUploadTokensRequest{PageSize: 50})
//	for it.Next() {
//		use(it.Token())
//	}
//	if err := it.Err(); err != nil { ... }
func (c *Client) ListAll(ctx context.Context, request *pb.ListUploadTokensRequest,
	options ...CallOption) *TokenIterator {
	it := &TokenIterator{client: c, ctx: ctx, options: options,
		request: &pb.ListUploadTokensRequest{}}
	if request != nil {
		it.request = proto.Clone(request).(*pb.ListUploadTokensRequest)
	}
	return it
}

// TokenIterator walks the tokens of ListAll, page after page. It is for one
// goroutine.
type TokenIterator struct {
	client  *Client
	ctx     context.Context
	options []CallOption
	request *pb.ListUploadTokensRequest
	page    []*pb.UploadToken
	current *pb.UploadToken
	done    bool
	err     error
	pages   int
	waited  time.Duration
}

// Next moves to the next token, fetching the next page when needed; false at
// the end or on an error (see Err).
func (it *TokenIterator) Next() bool {
	for len(it.page) == 0 {
		if it.done || it.err != nil {
			it.current = nil
			return false
		}
		it.fetch()
	}
	it.current, it.page = it.page[0], it.page[1:]
	return true
}

// fetch gets the next page, waiting out what RetryInfo asks for as long as
// the limits allow; it sets err otherwise.
func (it *TokenIterator) fetch() {
	for {
		page, err := it.client.ListPage(it.ctx, it.request, it.options...)
		if err == nil {
			it.pages++
			it.page = page.GetUploadTokens()
			it.request.PageToken = page.GetNextPageToken()
			it.done = it.request.PageToken == ""
			return
		}
		delay := DecodeErrorDetails(err).RetryDelay()
		wait := status.Code(err) == codes.ResourceExhausted && delay > 0 &&
			it.waited+delay <= it.client.options.ListAllMaxWait
		if !wait || !sleep(it.ctx, delay) {
			it.err = err
			return
		}
		it.waited += delay
	}
}

// Token is the token Next moved to.
func (it *TokenIterator) Token() *pb.UploadToken { return it.current }

// Err is the error that stopped the iteration, or nil.
func (it *TokenIterator) Err() error { return it.err }

// Pages is the number of pages fetched so far.
func (it *TokenIterator) Pages() int { return it.pages }

// Waited is how long the iterator has waited on RetryInfo so far.
func (it *TokenIterator) Waited() time.Duration { return it.waited }
