// Hand-written helpers next to the generated code (upload_tokens*.pb.go):
// deadlines by default and an iterator over every page of ListUploadTokens.

package uploadtokensv1

import (
	"context"
	"time"

	"google.golang.org/grpc"
)

// DefaultTimeout is the deadline Dial gives a call whose context has none.
const DefaultTimeout = 10 * time.Second

// WithDefaultTimeout returns an interceptor that gives every unary call
// without a deadline one of d, so that no call can hang forever.
func WithDefaultTimeout(d time.Duration) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply interface{},
		cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	}
}

// Dial connects to a gateway with DefaultTimeout on every call that has no
// deadline of its own. Pass grpc.WithInsecure() or transport credentials in
// opts; grpc.Dial does not block, so a dead address fails the first call.
func Dial(address string, opts ...grpc.DialOption) (*grpc.ClientConn, error) {
	opts = append([]grpc.DialOption{
		grpc.WithUnaryInterceptor(WithDefaultTimeout(DefaultTimeout))}, opts...)
	return grpc.Dial(address, opts...)
}

// TokenIterator walks every upload token of a listing, page after page,
// following next_page_token:
//
//	it := uploadtokensv1.ListAll(ctx, client, &uploadtokensv1.ListUploadTokensRequest{PageSize: 50})
//	for it.Next() {
//		use(it.Token())
//	}
//	if err := it.Err(); err != nil { ... }
type TokenIterator struct {
	ctx     context.Context
	client  UploadTokenServiceClient
	request ListUploadTokensRequest
	opts    []grpc.CallOption
	page    []*UploadToken
	current *UploadToken
	done    bool
	err     error
}

// ListAll returns an iterator over every token from the page of
// request.PageToken (usually "") on. Each page is one call, with ctx's
// deadline (or the connection's default).
func ListAll(ctx context.Context, client UploadTokenServiceClient,
	request *ListUploadTokensRequest, opts ...grpc.CallOption) *TokenIterator {
	it := &TokenIterator{ctx: ctx, client: client, opts: opts}
	it.request.PageSize = request.GetPageSize()
	it.request.PageToken = request.GetPageToken()
	it.request.OrderBy = request.GetOrderBy()
	return it
}

// Next moves to the next token, fetching the next page when needed; it
// returns false at the end or on an error (see Err).
func (it *TokenIterator) Next() bool {
	for len(it.page) == 0 {
		if it.done || it.err != nil {
			it.current = nil
			return false
		}
		response, err := it.client.ListUploadTokens(it.ctx, &it.request, it.opts...)
		if err != nil {
			it.err = err
			continue
		}
		it.page = response.GetUploadTokens()
		it.request.PageToken = response.GetNextPageToken()
		it.done = it.request.PageToken == ""
	}
	it.current, it.page = it.page[0], it.page[1:]
	return true
}

// Token is the token Next moved to.
func (it *TokenIterator) Token() *UploadToken { return it.current }

// Err is the error that stopped the iteration, or nil.
func (it *TokenIterator) Err() error { return it.err }
