package uploadtokens

import (
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/anypb"
)

// ErrorDetails are the decoded details of one failed call: every error of
// the gateway carries a google.rpc.Status in the grpc-status-details-bin
// trailer, whose details are ErrorInfo, ResourceInfo, RetryInfo, BadRequest
// or QuotaFailure. Those the call did not carry are nil.
type ErrorDetails struct {
	Code         codes.Code
	Message      string
	ErrorInfo    *errdetails.ErrorInfo
	ResourceInfo *errdetails.ResourceInfo
	RetryInfo    *errdetails.RetryInfo
	BadRequest   *errdetails.BadRequest
	QuotaFailure *errdetails.QuotaFailure
	// Details of any other type, still packed.
	Others []*anypb.Any
}

// DecodeErrorDetails decodes the error of a call: nil for a nil err. An error
// without details (e.g. a deadline the client enforced itself) gives only
// Code and Message, and so do details that do not parse; an error that is not
// a gRPC status gives codes.Unknown.
func DecodeErrorDetails(err error) *ErrorDetails {
	if err == nil {
		return nil
	}
	s, _ := status.FromError(err)
	d := &ErrorDetails{Code: s.Code(), Message: s.Message()}
	packed := s.Proto().GetDetails()
	// s.Details() unpacks each detail (or gives an error in its place) in
	// the order of the packed ones, with every grpc-go and genproto version.
	for i, detail := range s.Details() {
		switch detail := detail.(type) {
		case *errdetails.ErrorInfo:
			d.ErrorInfo = detail
		case *errdetails.ResourceInfo:
			d.ResourceInfo = detail
		case *errdetails.RetryInfo:
			d.RetryInfo = detail
		case *errdetails.BadRequest:
			d.BadRequest = detail
		case *errdetails.QuotaFailure:
			d.QuotaFailure = detail
		default:
			if i < len(packed) {
				d.Others = append(d.Others, packed[i])
			}
		}
	}
	return d
}

// The accessors below also answer on a nil *ErrorDetails (a call that did
// not fail).

// Reason is ErrorInfo.Reason (e.g. "RESOURCE_NOT_FOUND"), or "" without
// ErrorInfo.
func (d *ErrorDetails) Reason() string {
	if d == nil {
		return ""
	}
	return d.ErrorInfo.GetReason()
}

// Metadata is ErrorInfo.Metadata[key], or "" when absent.
func (d *ErrorDetails) Metadata(key string) string {
	if d == nil {
		return ""
	}
	return d.ErrorInfo.GetMetadata()[key]
}

// RetryDelay is RetryInfo.RetryDelay, or 0 without RetryInfo.
func (d *ErrorDetails) RetryDelay() time.Duration {
	if d == nil {
		return 0
	}
	if delay := d.RetryInfo.GetRetryDelay(); delay != nil {
		return delay.AsDuration()
	}
	return 0
}
