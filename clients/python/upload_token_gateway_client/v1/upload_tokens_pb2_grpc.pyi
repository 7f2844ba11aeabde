# Type stub of upload_token_gateway_client.v1.upload_tokens_pb2_grpc, written by scripts/gen-grpc-pyi.py
# from upload_token_gateway_client/v1/upload_tokens.proto. DO NOT EDIT: run make clients.
from typing import Optional, Sequence, Tuple, Union

import grpc

from google.protobuf import empty_pb2 as _google_protobuf_empty_pb2
from upload_token_gateway_client.v1 import upload_tokens_pb2 as _upload_token_gateway_client_v1_upload_tokens_pb2

_Metadata = Optional[Sequence[Tuple[str, Union[str, bytes]]]]


class UploadTokenServiceStub:
    def __init__(self, channel: grpc.Channel) -> None: ...

    def CreateUploadToken(self, request: _upload_token_gateway_client_v1_upload_tokens_pb2.CreateUploadTokenRequest, timeout: Optional[float] = ..., metadata: _Metadata = ...,
                 credentials: Optional[grpc.CallCredentials] = ..., wait_for_ready: Optional[bool] = ...,
                 compression: Optional[grpc.Compression] = ...) -> _upload_token_gateway_client_v1_upload_tokens_pb2.UploadToken: ...
    def ListUploadTokens(self, request: _upload_token_gateway_client_v1_upload_tokens_pb2.ListUploadTokensRequest, timeout: Optional[float] = ..., metadata: _Metadata = ...,
                 credentials: Optional[grpc.CallCredentials] = ..., wait_for_ready: Optional[bool] = ...,
                 compression: Optional[grpc.Compression] = ...) -> _upload_token_gateway_client_v1_upload_tokens_pb2.ListUploadTokensResponse: ...
    def GetUploadToken(self, request: _upload_token_gateway_client_v1_upload_tokens_pb2.GetUploadTokenRequest, timeout: Optional[float] = ..., metadata: _Metadata = ...,
                 credentials: Optional[grpc.CallCredentials] = ..., wait_for_ready: Optional[bool] = ...,
                 compression: Optional[grpc.Compression] = ...) -> _upload_token_gateway_client_v1_upload_tokens_pb2.UploadToken: ...
    def DeleteUploadToken(self, request: _upload_token_gateway_client_v1_upload_tokens_pb2.DeleteUploadTokenRequest, timeout: Optional[float] = ..., metadata: _Metadata = ...,
                 credentials: Optional[grpc.CallCredentials] = ..., wait_for_ready: Optional[bool] = ...,
                 compression: Optional[grpc.Compression] = ...) -> _google_protobuf_empty_pb2.Empty: ...
    def PurgeUploadTokens(self, request: _upload_token_gateway_client_v1_upload_tokens_pb2.PurgeUploadTokensRequest, timeout: Optional[float] = ..., metadata: _Metadata = ...,
                 credentials: Optional[grpc.CallCredentials] = ..., wait_for_ready: Optional[bool] = ...,
                 compression: Optional[grpc.Compression] = ...) -> _upload_token_gateway_client_v1_upload_tokens_pb2.PurgeUploadTokensResponse: ...


class UploadTokenServiceServicer:
    def CreateUploadToken(self, request: _upload_token_gateway_client_v1_upload_tokens_pb2.CreateUploadTokenRequest, context: grpc.ServicerContext) -> _upload_token_gateway_client_v1_upload_tokens_pb2.UploadToken: ...
    def ListUploadTokens(self, request: _upload_token_gateway_client_v1_upload_tokens_pb2.ListUploadTokensRequest, context: grpc.ServicerContext) -> _upload_token_gateway_client_v1_upload_tokens_pb2.ListUploadTokensResponse: ...
    def GetUploadToken(self, request: _upload_token_gateway_client_v1_upload_tokens_pb2.GetUploadTokenRequest, context: grpc.ServicerContext) -> _upload_token_gateway_client_v1_upload_tokens_pb2.UploadToken: ...
    def DeleteUploadToken(self, request: _upload_token_gateway_client_v1_upload_tokens_pb2.DeleteUploadTokenRequest, context: grpc.ServicerContext) -> _google_protobuf_empty_pb2.Empty: ...
    def PurgeUploadTokens(self, request: _upload_token_gateway_client_v1_upload_tokens_pb2.PurgeUploadTokensRequest, context: grpc.ServicerContext) -> _upload_token_gateway_client_v1_upload_tokens_pb2.PurgeUploadTokensResponse: ...


def add_UploadTokenServiceServicer_to_server(servicer: UploadTokenServiceServicer, server: grpc.Server) -> None: ...
