#!/usr/bin/python3
"""Walks through UploadTokenService and checks every answer; exits non-zero on
any mismatch. Usage: GATEWAY_ADDRESS=host:port /usr/bin/python3 example.py
(run it from anywhere: it puts clients/python on sys.path)."""
import json
import os
import sys
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import grpc  # noqa: E402

from apivideo.uploadtokens.v1.client import UploadTokenClient  # noqa: E402
from apivideo.uploadtokens.v1.errors import error_details  # noqa: E402


def check(condition, what):
    if not condition:
        print(f"FAIL: {what}", file=sys.stderr)
        sys.exit(1)


def print_details(d):
    print(f"  code={d.code.name} message={d.message!r}")
    if d.error_info:
        print(f"  ErrorInfo: domain={d.error_info.domain} reason={d.error_info.reason}"
              f" metadata={dict(d.error_info.metadata)}")
    if d.resource_info:
        print(f"  ResourceInfo: type={d.resource_info.resource_type}"
              f" name={d.resource_info.resource_name}")
    if d.retry_info:
        print(f"  RetryInfo: retry_delay={d.retry_info.retry_delay.ToTimedelta()}")
    if d.bad_request:
        for v in d.bad_request.field_violations:
            print(f"  BadRequest: {v.field}: {v.description}")


def main():
    address = os.environ.get("GATEWAY_ADDRESS", "localhost:50051")
    with grpc.insecure_channel(address) as channel:
        client = UploadTokenClient(channel, timeout=5.0)  # a deadline on every call

        created = [client.create(ttl=3600 + i) for i in range(5)]
        print(f"created {[t.token for t in created]}")
        check(all(t.token and t.ttl == 3600 + i for i, t in enumerate(created)), "create")

        got = client.get(created[0].token)
        print(f"got {got.token} ttl={got.ttl} expires_at={got.expires_at.ToJsonString()}")
        check(got.token == created[0].token and got.ttl == 3600, "get")

        # Every page, two at a time, with page_token (the generator does it).
        listed = [t.token for t in client.iter_tokens(page_size=2, order_by="created_at asc")]
        print(f"listed {len(listed)} tokens over {-(-len(listed) // 2)} pages")
        check(set(t.token for t in created) <= set(listed), "list has every created token")
        check(len(listed) == len(set(listed)), "list has no duplicates")

        # A retry with the same request_id gets the same token, not a second one.
        request_id = str(uuid.uuid4())
        once = client.create(ttl=60, request_id=request_id)
        again = client.create(ttl=60, request_id=request_id)
        print(f"request_id {request_id}: {once.token}, then {again.token}")
        check(once.token == again.token, "request_id: one token")
        created.append(once)

        for t in created:
            client.delete(t.token)
        print(f"deleted {len(created)} tokens")

        try:
            client.get(created[0].token)
            check(False, "get after delete should fail")
        except grpc.RpcError as error:
            d = error_details(error)
            print("get after delete:")
            print_details(d)
            check(d.code == grpc.StatusCode.NOT_FOUND, "NOT_FOUND")
            check(d.error_info is not None and d.error_info.domain == "api.video", "ErrorInfo")
            check(d.reason == "RESOURCE_NOT_FOUND", "ErrorInfo.reason")
            check(d.resource_info is not None
                  and d.resource_info.resource_name == created[0].token
                  and d.resource_info.resource_type == "apivideo.uploadtokens.v1.UploadToken",
                  "ResourceInfo")

        try:
            client.get("not a token!")
            check(False, "a malformed token should fail")
        except grpc.RpcError as error:
            d = error_details(error)
            print("get with a malformed token:")
            print_details(d)
            check(d.code == grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT")
            check(d.bad_request is not None and
                  [v.field for v in d.bad_request.field_violations] == ["token"], "BadRequest")
        # Against the emulator (clients/testing/with-gateway.sh), exhaust
        # api.video's read limit: RESOURCE_EXHAUSTED with RetryInfo.
        emulator = os.environ.get("EMULATOR_URL")
        if emulator:
            set_read_limit(emulator, 0)
            try:
                client.get(created[1].token)
                check(False, "a rate-limited get should fail")
            except grpc.RpcError as error:
                d = error_details(error)
                print("get over the rate limit:")
                print_details(d)
                check(d.code == grpc.StatusCode.RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED")
                check(d.reason == "TOO_MANY_REQUESTS", "ErrorInfo.reason")
                check(d.retry_info is not None and d.retry_info.retry_delay.seconds > 0,
                      "RetryInfo")
            finally:
                set_read_limit(emulator, 1000000)
    print("OK")


def set_read_limit(emulator_url, reads):
    """Sets the emulator's reads per window (its test-only control surface)."""
    request = urllib.request.Request(
        emulator_url.rstrip("/") + "/_emulator/ratelimit", method="POST",
        data=json.dumps({"reads": reads}).encode(), headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=5).read()


if __name__ == "__main__":
    main()
