// Hand-written: typed access to the google.rpc.Status details the gateway
// sends in the grpc-status-details-bin trailer of every error.

package uploadtokensv1

import (
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ErrorDetails holds the decoded details of a failed call; absent ones are
// nil.
type ErrorDetails struct {
	Code         codes.Code
	Message      string
	ErrorInfo    *errdetails.ErrorInfo
	ResourceInfo *errdetails.ResourceInfo
	RetryInfo    *errdetails.RetryInfo
	BadRequest   *errdetails.BadRequest
	QuotaFailure *errdetails.QuotaFailure
	// Others are details of any other type, decoded (or an error if their
	// type is not linked in).
	Others []interface{}
}

// Reason is ErrorInfo.Reason (e.g. "RESOURCE_NOT_FOUND"), or "".
func (d *ErrorDetails) Reason() string { return d.ErrorInfo.GetReason() }

// Details decodes the error of a call. It returns nil for a nil err; an
// error that is not a gRPC status gives Code Unknown and no details.
func Details(err error) *ErrorDetails {
	if err == nil {
		return nil
	}
	s, _ := status.FromError(err)
	d := &ErrorDetails{Code: s.Code(), Message: s.Message()}
	for _, detail := range s.Details() {
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
			d.Others = append(d.Others, detail)
		}
	}
	return d
}
