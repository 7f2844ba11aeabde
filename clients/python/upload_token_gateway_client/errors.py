"""Typed access to the google.rpc.Status the gateway sends with every error.

The gateway puts a serialized google.rpc.Status in the `grpc-status-details-bin`
trailer; its `details` are Any messages (ErrorInfo, ResourceInfo, ...).
"""
from dataclasses import dataclass, field
from typing import List, Optional

import grpc
from google.rpc import error_details_pb2, status_pb2  # googleapis-common-protos

STATUS_DETAILS_KEY = "grpc-status-details-bin"


@dataclass
class ErrorDetails:
    """The decoded details of one failed call; absent ones are None."""
    code: grpc.StatusCode
    message: str
    error_info: Optional[error_details_pb2.ErrorInfo] = None
    resource_info: Optional[error_details_pb2.ResourceInfo] = None
    retry_info: Optional[error_details_pb2.RetryInfo] = None
    bad_request: Optional[error_details_pb2.BadRequest] = None
    quota_failure: Optional[error_details_pb2.QuotaFailure] = None
    # Any detail of a type not listed above, still packed.
    others: List = field(default_factory=list)

    @property
    def reason(self) -> str:
        """ErrorInfo.reason, e.g. RESOURCE_NOT_FOUND, or "" without ErrorInfo."""
        return self.error_info.reason if self.error_info else ""


_DETAIL_TYPES = {
    "error_info": error_details_pb2.ErrorInfo,
    "resource_info": error_details_pb2.ResourceInfo,
    "retry_info": error_details_pb2.RetryInfo,
    "bad_request": error_details_pb2.BadRequest,
    "quota_failure": error_details_pb2.QuotaFailure,
}


def error_details(error: grpc.RpcError) -> ErrorDetails:
    """Decodes the google.rpc.Status details of a failed call.

    Works on any grpc.RpcError raised by a call (it is also a grpc.Call); an
    error without the trailer (e.g. a deadline the client enforced) gives an
    ErrorDetails with only code and message.
    """
    details = ErrorDetails(code=error.code(), message=error.details() or "")
    for key, value in error.trailing_metadata() or ():
        if key != STATUS_DETAILS_KEY:
            continue
        status = status_pb2.Status.FromString(value)
        for packed in status.details:
            for attribute, message_type in _DETAIL_TYPES.items():
                if packed.Is(message_type.DESCRIPTOR):
                    message = message_type()
                    packed.Unpack(message)
                    setattr(details, attribute, message)
                    break
            else:
                details.others.append(packed)
    return details
