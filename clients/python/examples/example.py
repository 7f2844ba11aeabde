#!/usr/bin/env python3
"""Walks through UploadTokenService with upload_token_gateway_client, as a
service in another repository would, and checks every answer; exits non-zero
on any mismatch.

Environment (clients/testing/with-gateway.sh sets it): GATEWAY_TARGET (or
GATEWAY_ADDRESS), GATEWAY_CA_FILE, GATEWAY_CLIENT_CERT_FILE,
GATEWAY_CLIENT_KEY_FILE, GATEWAY_CALLER_TOKEN, EMULATOR_URL (optional: the
rate-limit checks)."""
import json
import os
import sys
import urllib.request
import uuid

import grpc

from upload_token_gateway_client import (
    CallOptions, ChannelOptions, ClientOptions, ResponseMetadata, TlsOptions,
    UploadTokenClient, error_details, make_channel)
from upload_token_gateway_client.v1 import upload_tokens_pb2 as pb


def check(condition, what):
    if not condition:
        print(f"FAIL: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {what}")


def expect_error(call, what):
    """The ErrorDetails of the error `call` raises; fails if it succeeds."""
    try:
        call()
    except grpc.RpcError as error:
        details = error_details(error)
        print(f"  {what}: {details.code.name} {details.message!r} reason={details.reason}")
        return details
    check(False, f"{what} should fail")


def channel_options_from_environment(with_token=True):
    env = os.environ.get
    tls = None
    if env("GATEWAY_CA_FILE"):
        tls = TlsOptions.from_files(env("GATEWAY_CA_FILE"), env("GATEWAY_CLIENT_CERT_FILE"),
                                    env("GATEWAY_CLIENT_KEY_FILE"))
    return ChannelOptions(
        target=env("GATEWAY_TARGET") or env("GATEWAY_ADDRESS", "localhost:50051"), tls=tls,
        bearer_token=env("GATEWAY_CALLER_TOKEN", "") if with_token else "")


def set_limits(emulator_url, **limits):
    """Sets the emulator's limits (its test-only control surface)."""
    request = urllib.request.Request(
        emulator_url.rstrip("/") + "/_emulator/ratelimit", method="POST",
        data=json.dumps(limits).encode(), headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=5).read()


def main():
    options = channel_options_from_environment()
    client = UploadTokenClient(make_channel(options), ClientOptions(default_timeout=10.0))

    if options.bearer_token:
        # The same channel without the token: the gateway must refuse it, which
        # shows that the token is what lets the calls below in.
        stranger = UploadTokenClient(make_channel(channel_options_from_environment(False)))
        d = expect_error(lambda: stranger.create(ttl=60), "create without the caller token")
        check(d.code == grpc.StatusCode.UNAUTHENTICATED, "no token: UNAUTHENTICATED")

    # Enough calls that round_robin sends some to each replica.
    created = [client.create(ttl=3600 + i) for i in range(8)]
    check(all(t.token and t.ttl == 3600 + i for i, t in enumerate(created)), "create x8")

    metadata = ResponseMetadata()
    got = client.get(created[0].token, CallOptions(response_metadata=metadata))
    check(got.token == created[0].token and got.ttl == 3600, "get")
    print(f"  get's metadata: {metadata.initial + metadata.trailing}")
    check(metadata.get("x-cache") in ("hit", "miss", "coalesced"), "x-cache metadata")
    # A page comes from api.video (a get may be a cache hit): it carries
    # api.video's rate-limit state.
    metadata = ResponseMetadata()
    page = client.list_page(pb.ListUploadTokensRequest(page_size=2),
                            CallOptions(response_metadata=metadata))
    check(len(page.upload_tokens) == 2, "list_page: one page of two")
    print(f"  list_page's metadata: {metadata.initial + metadata.trailing}")
    check(metadata.get("x-ratelimit-limit") is not None
          and metadata.get("x-ratelimit-remaining") is not None, "x-ratelimit-* metadata")

    # A per-call deadline override: 1 microsecond cannot be met, even by the
    # gateway's cache (a read from api.video may get RESOURCE_EXHAUSTED
    # instead: the gateway refuses what it cannot serve within the deadline).
    d = expect_error(lambda: client.get(created[0].token, CallOptions(timeout=1e-6)),
                     "get in 1 µs")
    check(d.code == grpc.StatusCode.DEADLINE_EXCEEDED, "per-call deadline: DEADLINE_EXCEEDED")

    # Per-call metadata in: a header the gateway ignores must not break the call.
    client.get(created[1].token, CallOptions(metadata=[("x-example-trace", "abc")]))

    # Every page, two at a time.
    pages = ResponseMetadata()
    listed = [t.token for t in client.iter_tokens(
        pb.ListUploadTokensRequest(page_size=2, order_by="created_at asc"),
        CallOptions(response_metadata=pages))]
    print(f"  listed {len(listed)} tokens over {-(-len(listed) // 2)} pages")
    check(len(listed) >= len(created) and len(listed) == len(set(listed)),
          "list: every page, no duplicates")
    check({t.token for t in created} <= set(listed), "list has every created token")

    # The same request_id twice: the same token, not a second one.
    request_id = str(uuid.uuid4())
    once = client.create(ttl=60, request_id=request_id)
    again = client.create(ttl=60, request_id=request_id)
    check(once.token == again.token, "same request_id: one token")
    # Without one, each create gets a fresh request_id: two tokens.
    first, second = client.create(ttl=60), client.create(ttl=60)
    check(first.token != second.token, "no request_id: two tokens")
    created += [once, first, second]

    for t in created:
        client.delete(t.token)
    print(f"  deleted {len(created)} tokens")

    d = expect_error(lambda: client.get(created[0].token), "get after delete")
    check(d.code == grpc.StatusCode.NOT_FOUND, "NOT_FOUND")
    check(d.error_info is not None and d.error_info.domain == "api.video"
          and d.reason == "RESOURCE_NOT_FOUND", "ErrorInfo domain/reason")
    check(d.resource_info is not None and d.resource_info.resource_name == created[0].token
          and d.resource_info.resource_type == "apivideo.uploadtokens.v1.UploadToken",
          "ResourceInfo")

    d = expect_error(lambda: client.get("not a token!"), "get with a malformed token")
    check(d.code == grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT")
    check(d.bad_request is not None
          and [v.field for v in d.bad_request.field_violations] == ["token"], "BadRequest")

    emulator = os.environ.get("EMULATOR_URL")
    if emulator:
        check_rate_limit(client, emulator)
    print("OK")


def check_rate_limit(client, emulator):
    """RESOURCE_EXHAUSTED from api.video's read limit. (The iterator waiting
    out a RetryInfo is a unit test: the gateway's own read steward makes the
    live wait last about a minute.)"""
    keep = client.create(ttl=3600)
    try:
        # No read at all: RESOURCE_EXHAUSTED with RetryInfo and the rate-limit
        # metadata with it.
        set_limits(emulator, reads=0)
        metadata = ResponseMetadata()
        d = expect_error(lambda: client.list_page(pb.ListUploadTokensRequest(),
                                                  CallOptions(response_metadata=metadata)),
                         "list over the rate limit")
        check(d.code == grpc.StatusCode.RESOURCE_EXHAUSTED and d.reason == "TOO_MANY_REQUESTS",
              "RESOURCE_EXHAUSTED, TOO_MANY_REQUESTS")
        check(d.retry_info is not None
              and d.retry_info.retry_delay.ToTimedelta().total_seconds() > 0, "RetryInfo")
        print(f"  metadata of the refusal: {metadata.initial + metadata.trailing}")
        check(metadata.get("x-ratelimit-remaining") == "0", "x-ratelimit-remaining: 0")

        # The iterator raises when its max wait cannot cover the RetryInfo.
        impatient = UploadTokenClient(make_channel(channel_options_from_environment()),
                                      ClientOptions(list_all_max_wait=0.0))
        d = expect_error(lambda: list(impatient.iter_tokens()), "iterator without time to wait")
        check(d.code == grpc.StatusCode.RESOURCE_EXHAUSTED, "iterator gives up past its max wait")
    finally:
        set_limits(emulator, reads=1000000)
    client.delete(keep.token)


if __name__ == "__main__":
    main()
