"""A channel to the gateway the way the deployment expects one: every replica
used (round_robin over what the target resolves to, e.g. the headless
Service's `dns:///...` name), TLS or mTLS, the caller's bearer token on every
call, and reads retried by gRPC itself when a replica is unavailable."""
import json
from dataclasses import dataclass
from typing import Optional

import grpc

_SERVICE = "apivideo.uploadtokens.v1.UploadTokenService"


@dataclass
class TlsOptions:
    """PEM bytes, not file names (from_files reads files)."""
    # The CAs that may sign the gateway's certificate; None: the system's.
    root_certificates: Optional[bytes] = None
    # For mTLS (the gateway's --client_ca_file): both or neither.
    certificate_chain: Optional[bytes] = None
    private_key: Optional[bytes] = None

    @classmethod
    def from_files(cls, ca_file: Optional[str] = None, cert_file: Optional[str] = None,
                   key_file: Optional[str] = None) -> "TlsOptions":
        def read(path: Optional[str]) -> Optional[bytes]:
            if path is None:
                return None
            with open(path, "rb") as f:
                return f.read()
        return cls(read(ca_file), read(cert_file), read(key_file))


@dataclass
class ChannelOptions:
    # "dns:///upload-token-gateway.ns.svc:50051" (every replica behind a
    # headless Service), "host:port", "unix:/path".
    target: str
    # Plaintext when None: only for a gateway on the same host.
    tls: Optional[TlsOptions] = None
    # The caller's token (the gateway's --caller_tokens_file), sent as
    # `authorization: Bearer <token>` on every call. Needs `tls`: a credential
    # is never sent in clear.
    bearer_token: str = ""


def default_service_config_json() -> str:
    """The service config every channel gets: round_robin, and up to 3
    attempts of GetUploadToken and ListUploadTokens on UNAVAILABLE (a replica
    gone or restarting). Create, Delete and Purge are not retried by gRPC:
    UploadTokenClient retries Create itself with its request_id, which makes
    that retry safe. The backoff spans ~0.1 s to 1 s: long enough for a
    Service's endpoints to drop a replica that went away."""
    return json.dumps({
        "loadBalancingConfig": [{"round_robin": {}}],
        "methodConfig": [{
            "name": [{"service": _SERVICE, "method": "GetUploadToken"},
                     {"service": _SERVICE, "method": "ListUploadTokens"}],
            "retryPolicy": {
                "maxAttempts": 3,
                "initialBackoff": "0.1s",
                "maxBackoff": "1s",
                "backoffMultiplier": 2,
                "retryableStatusCodes": ["UNAVAILABLE"],
            },
        }],
    })


def make_channel(options: ChannelOptions) -> grpc.Channel:
    """A channel to options.target. ValueError for options that cannot make
    one (no target, half a client certificate, a token without TLS)."""
    if not options.target:
        raise ValueError("the channel needs a target")
    channel_options = [
        ("grpc.service_config", default_service_config_json()),
        # A service config published in DNS TXT records must not replace ours.
        ("grpc.service_config_disable_resolution", 1),
        ("grpc.enable_retries", 1),
    ]
    if options.tls is None:
        if options.bearer_token:
            raise ValueError(
                "a bearer token is sent only over TLS: set ChannelOptions.tls")
        return grpc.insecure_channel(options.target, options=channel_options)
    tls = options.tls
    if (tls.certificate_chain is None) != (tls.private_key is None):
        raise ValueError(
            "mTLS needs both the client certificate chain and its private key")
    credentials = grpc.ssl_channel_credentials(
        root_certificates=tls.root_certificates, private_key=tls.private_key,
        certificate_chain=tls.certificate_chain)
    if options.bearer_token:
        credentials = grpc.composite_channel_credentials(
            credentials, grpc.access_token_call_credentials(options.bearer_token))
    return grpc.secure_channel(options.target, credentials, options=channel_options)
