"""Client of the Upload Token Gateway (apivideo.uploadtokens.v1.UploadTokenService).

    from upload_token_gateway_client import (
        ChannelOptions, TlsOptions, UploadTokenClient, make_channel)

    channel = make_channel(ChannelOptions(
        target="dns:///upload-token-gateway.upload-tokens:50051",
        tls=TlsOptions.from_files(ca_file="ca.pem"),
        bearer_token=caller_token))
    client = UploadTokenClient(channel)
    token = client.create(ttl=3600)

The generated messages and stub are in upload_token_gateway_client.v1.
"""
import importlib
from typing import TYPE_CHECKING, Any

# The helpers are imported on first use (PEP 562), so that importing only the
# generated upload_token_gateway_client.v1 needs neither google.rpc nor
# anything else of the helpers' dependencies.
_EXPORTS = {
    "ChannelOptions": "channel", "TlsOptions": "channel",
    "default_service_config_json": "channel", "make_channel": "channel",
    "CallOptions": "client", "ClientOptions": "client",
    "ResponseMetadata": "client", "UploadTokenClient": "client",
    "ErrorDetails": "errors", "error_details": "errors",
}
__all__ = [
    "CallOptions", "ChannelOptions", "ClientOptions", "ErrorDetails",
    "ResponseMetadata", "TlsOptions", "UploadTokenClient",
    "default_service_config_json", "error_details", "make_channel",
]

if TYPE_CHECKING:  # what type checkers see
    from upload_token_gateway_client.channel import (
        ChannelOptions, TlsOptions, default_service_config_json, make_channel)
    from upload_token_gateway_client.client import (
        CallOptions, ClientOptions, ResponseMetadata, UploadTokenClient)
    from upload_token_gateway_client.errors import ErrorDetails, error_details


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value
