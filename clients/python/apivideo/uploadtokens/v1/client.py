"""A thin client over the generated stub: a deadline on every call by default
and a generator over every page of ListUploadTokens."""
from typing import Iterator, Optional

import grpc
from google.protobuf import empty_pb2

from apivideo.uploadtokens.v1 import upload_tokens_pb2 as pb
from apivideo.uploadtokens.v1 import upload_tokens_pb2_grpc as pb_grpc

# Seconds a call may take unless the caller says otherwise. The gateway
# itself gives up on api.video within the call's deadline.
DEFAULT_TIMEOUT = 10.0


class UploadTokenClient:
    """UploadTokenService with deadlines by default.

    `stub` is the generated UploadTokenServiceStub, for anything not wrapped.
    Errors are grpc.RpcError; errors.error_details() decodes their details.
    """

    def __init__(self, channel: grpc.Channel, timeout: float = DEFAULT_TIMEOUT):
        self.stub = pb_grpc.UploadTokenServiceStub(channel)
        self.timeout = timeout

    def _timeout(self, timeout: Optional[float]) -> float:
        return self.timeout if timeout is None else timeout

    def create(self, ttl: Optional[int] = None, timeout: Optional[float] = None,
               request_id: str = "") -> pb.UploadToken:
        """Creates a token valid for `ttl` seconds (0: never expires).

        Without `ttl`, the gateway applies the caller's policy default. With
        `request_id` (a UUID made once per token wanted), a retry gets the
        first call's token back instead of creating a second one.
        """
        request = pb.CreateUploadTokenRequest(request_id=request_id)
        if ttl is not None:
            request.ttl = ttl
        return self.stub.CreateUploadToken(request, timeout=self._timeout(timeout))

    def get(self, token: str, timeout: Optional[float] = None) -> pb.UploadToken:
        return self.stub.GetUploadToken(
            pb.GetUploadTokenRequest(token=token), timeout=self._timeout(timeout))

    def delete(self, token: str, timeout: Optional[float] = None) -> empty_pb2.Empty:
        return self.stub.DeleteUploadToken(
            pb.DeleteUploadTokenRequest(token=token), timeout=self._timeout(timeout))

    def list_page(self, page_size: int = 0, page_token: str = "", order_by: str = "",
                  timeout: Optional[float] = None,
                  filter: str = "") -> pb.ListUploadTokensResponse:
        """One page; `filter` e.g. 'creator = "web"' (the proto's grammar)."""
        return self.stub.ListUploadTokens(
            pb.ListUploadTokensRequest(page_size=page_size, page_token=page_token,
                                       order_by=order_by, filter=filter),
            timeout=self._timeout(timeout))

    def iter_tokens(self, page_size: int = 0, order_by: str = "",
                    timeout: Optional[float] = None,
                    filter: str = "") -> Iterator[pb.UploadToken]:
        """Yields every token of every page, fetching pages as needed.

        The deadline applies to each page's call, not to the whole walk.
        """
        page_token = ""
        while True:
            page = self.list_page(page_size, page_token, order_by, timeout, filter)
            yield from page.upload_tokens
            page_token = page.next_page_token
            if not page_token:
                return
