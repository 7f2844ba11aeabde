"""UploadTokenClient: UploadTokenService with what every caller would
otherwise write again: a deadline on every call, the caller's metadata in and
the gateway's (rate limit, cache) out, a request_id on every Create so that it
can be retried, every page of a listing, and typed error details
(errors.error_details)."""
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Iterator, List, Optional, Sequence, Tuple

import grpc
from google.protobuf import empty_pb2

from upload_token_gateway_client.errors import error_details
from upload_token_gateway_client.v1 import upload_tokens_pb2 as pb
from upload_token_gateway_client.v1 import upload_tokens_pb2_grpc as pb_grpc

Metadata = List[Tuple[str, str]]


@dataclass
class ResponseMetadata:
    """What the gateway sent beside its answer (or its error), e.g.
    x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-retry-after and
    x-cache (hit, miss, coalesced). Binary (-bin) entries are left out."""
    initial: Metadata = field(default_factory=list)
    trailing: Metadata = field(default_factory=list)

    def get(self, key: str) -> Optional[str]:
        """The first value of `key` in the initial metadata, else in the trailing."""
        for entries in (self.initial, self.trailing):
            for k, v in entries:
                if k == key:
                    return v
        return None

    def _fill(self, call) -> None:
        def text(entries) -> Metadata:
            return [(k, v) for k, v in (entries or ()) if not k.endswith("-bin")]
        self.initial = text(call.initial_metadata())
        self.trailing = text(call.trailing_metadata())


@dataclass
class ClientOptions:
    # Seconds a call may take when it gives no timeout. For iter_tokens it
    # applies to each page, and for create to all its attempts together.
    default_timeout: float = 10.0
    # Attempts of a create that ends UNAVAILABLE (the gateway not reached, or
    # the connection lost with the answer): each sends the same request_id,
    # so the gateway creates at most one token.
    create_attempts: int = 3
    # Seconds before a create's second attempt; doubled for each next one.
    create_backoff: float = 0.1
    # Seconds iter_tokens may wait in all, following RetryInfo on
    # RESOURCE_EXHAUSTED, before it raises the error to its caller.
    list_all_max_wait: float = 60.0


@dataclass
class CallOptions:
    """Per call; all optional."""
    # Seconds; replaces ClientOptions.default_timeout for this call.
    timeout: Optional[float] = None
    # More request metadata, e.g. [("traceparent", "00-...")].
    metadata: Sequence[Tuple[str, str]] = ()
    # Filled with the gateway's response metadata when given, also when the
    # call fails (for iter_tokens: that of the last page).
    response_metadata: Optional[ResponseMetadata] = None


_NO_OPTIONS = CallOptions()


class UploadTokenClient:
    """Calls block the calling thread; the client is safe to share between
    threads. Errors are grpc.RpcError; error_details() decodes their details.
    `stub` is the generated UploadTokenServiceStub, for anything not wrapped."""

    def __init__(self, channel: grpc.Channel, options: Optional[ClientOptions] = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.stub = pb_grpc.UploadTokenServiceStub(channel)
        self.options = options or ClientOptions()
        self._sleep = sleep  # replaced by unit tests

    def _call(self, method, request, call: CallOptions, timeout: Optional[float] = None):
        if timeout is None:
            timeout = self._timeout(call)
        try:
            response, rpc = method.with_call(
                request, timeout=timeout, metadata=list(call.metadata) or None)
        except grpc.RpcError as error:
            if call.response_metadata is not None and isinstance(error, grpc.Call):
                call.response_metadata._fill(error)
            raise
        if call.response_metadata is not None:
            call.response_metadata._fill(rpc)
        return response

    def _timeout(self, call: CallOptions) -> float:
        return self.options.default_timeout if call.timeout is None else call.timeout

    def create(self, ttl: Optional[int] = None, request_id: str = "",
               call: CallOptions = _NO_OPTIONS) -> pb.UploadToken:
        """A token valid for `ttl` seconds (0: never expires); without `ttl`,
        the caller's policy default applies. Without `request_id`, a fresh
        UUIDv4 is made here, and reused by this call's own retries."""
        request = pb.CreateUploadTokenRequest(request_id=request_id or str(uuid.uuid4()))
        if ttl is not None:
            request.ttl = ttl
        return self.create_request(request, call)

    def create_request(self, request: pb.CreateUploadTokenRequest,
                       call: CallOptions = _NO_OPTIONS) -> pb.UploadToken:
        """create with a whole request; sets its request_id when it has none."""
        if not request.request_id:
            given, request = request, pb.CreateUploadTokenRequest()
            request.CopyFrom(given)  # the caller's message stays as given
            request.request_id = str(uuid.uuid4())
        deadline = time.monotonic() + self._timeout(call)
        backoff = self.options.create_backoff
        attempt = 1
        while True:
            try:
                return self._call(self.stub.CreateUploadToken, request, call,
                                  timeout=max(deadline - time.monotonic(), 0.0))
            except grpc.RpcError as error:
                if (error.code() != grpc.StatusCode.UNAVAILABLE
                        or attempt >= self.options.create_attempts
                        or time.monotonic() + backoff >= deadline):
                    raise
            self._sleep(backoff)
            backoff *= 2
            attempt += 1

    def get(self, token: str, call: CallOptions = _NO_OPTIONS) -> pb.UploadToken:
        return self._call(self.stub.GetUploadToken, pb.GetUploadTokenRequest(token=token), call)

    def delete(self, token: str, call: CallOptions = _NO_OPTIONS) -> empty_pb2.Empty:
        return self._call(self.stub.DeleteUploadToken,
                          pb.DeleteUploadTokenRequest(token=token), call)

    def list_page(self, request: pb.ListUploadTokensRequest,
                  call: CallOptions = _NO_OPTIONS) -> pb.ListUploadTokensResponse:
        """One page, as the request asks (page_size, page_token, order_by,
        filter e.g. 'creator = "web"')."""
        return self._call(self.stub.ListUploadTokens, request, call)

    def iter_tokens(self, request: Optional[pb.ListUploadTokensRequest] = None,
                    call: CallOptions = _NO_OPTIONS) -> Iterator[pb.UploadToken]:
        """Yields every token of every page from `request` on (its page_size,
        order_by and filter apply to each page), fetching pages as needed. A
        page refused with RESOURCE_EXHAUSTED and a RetryInfo is asked again
        after the delay it gives, within ClientOptions.list_all_max_wait."""
        page_request = pb.ListUploadTokensRequest()
        if request is not None:
            page_request.CopyFrom(request)
        waited = 0.0
        while True:
            try:
                page = self.list_page(page_request, call)
            except grpc.RpcError as error:
                delay = _retry_delay(error)
                if delay is None or waited + delay > self.options.list_all_max_wait:
                    raise
                self._sleep(delay)
                waited += delay
                continue
            yield from page.upload_tokens
            if not page.next_page_token:
                return
            page_request.page_token = page.next_page_token

    def purge(self, request: pb.PurgeUploadTokensRequest,
              call: CallOptions = _NO_OPTIONS) -> pb.PurgeUploadTokensResponse:
        """Deletes (force) or counts the tokens request.filter matches."""
        return self._call(self.stub.PurgeUploadTokens, request, call)


def _retry_delay(error: grpc.RpcError) -> Optional[float]:
    """The seconds a RESOURCE_EXHAUSTED error's RetryInfo asks to wait, else None."""
    if not isinstance(error, grpc.Call) or error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:
        return None
    details = error_details(error)
    if details.retry_info is None:
        return None
    return details.retry_info.retry_delay.ToTimedelta().total_seconds()
