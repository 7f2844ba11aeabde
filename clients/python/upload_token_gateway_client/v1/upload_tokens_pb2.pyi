from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateUploadTokenRequest(_message.Message):
    __slots__ = ["request_id", "ttl"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TTL_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    ttl: int
    def __init__(self, ttl: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteUploadTokenRequest(_message.Message):
    __slots__ = ["token"]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class GetUploadTokenRequest(_message.Message):
    __slots__ = ["token"]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class ListUploadTokensRequest(_message.Message):
    __slots__ = ["filter", "order_by", "page_size", "page_token"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    filter: str
    order_by: str
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., order_by: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListUploadTokensResponse(_message.Message):
    __slots__ = ["next_page_token", "total_size", "upload_tokens"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_TOKENS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    total_size: int
    upload_tokens: _containers.RepeatedCompositeFieldContainer[UploadToken]
    def __init__(self, upload_tokens: _Optional[_Iterable[_Union[UploadToken, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class PurgeUploadTokensRequest(_message.Message):
    __slots__ = ["filter", "force"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    filter: str
    force: bool
    def __init__(self, filter: _Optional[str] = ..., force: bool = ...) -> None: ...

class PurgeUploadTokensResponse(_message.Message):
    __slots__ = ["purge_count", "purge_sample"]
    PURGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    PURGE_SAMPLE_FIELD_NUMBER: _ClassVar[int]
    purge_count: int
    purge_sample: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, purge_count: _Optional[int] = ..., purge_sample: _Optional[_Iterable[str]] = ...) -> None: ...

class UploadToken(_message.Message):
    __slots__ = ["created_at", "creator", "expires_at", "token", "ttl"]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    TTL_FIELD_NUMBER: _ClassVar[int]
    created_at: _timestamp_pb2.Timestamp
    creator: str
    expires_at: _timestamp_pb2.Timestamp
    token: str
    ttl: int
    def __init__(self, token: _Optional[str] = ..., ttl: _Optional[int] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., creator: _Optional[str] = ...) -> None: ...
