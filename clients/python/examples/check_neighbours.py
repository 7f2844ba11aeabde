#!/usr/bin/env python3
"""Checks that upload_token_gateway_client lives next to what a service may
already have: a top-level `apivideo` package (api.video's own client) and
google.rpc from googleapis-common-protos. test-package.sh installs stand-ins
of both, from wheels it builds, into the same virtualenv; importing all three
in one process must work (two copies of google/rpc/status.proto would be a
descriptor-pool error) and each must be the installed one."""
import os
import sys
import sysconfig
from importlib import metadata

import apivideo  # the stand-in of api.video's client
from google.rpc import error_details_pb2, status_pb2  # the stand-in common protos

import upload_token_gateway_client
from upload_token_gateway_client import errors
from upload_token_gateway_client.v1 import upload_tokens_pb2


def check(condition, what):
    if not condition:
        print(f"FAIL: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {what}")


site = os.path.realpath(sysconfig.get_paths()["purelib"])
for module in (apivideo, status_pb2, upload_token_gateway_client, upload_tokens_pb2):
    check(os.path.realpath(module.__file__).startswith(site + os.sep),
          f"{module.__name__} is the venv's ({module.__file__})")

# The wheel installs its own package and nothing else: no apivideo/, no google/.
ours = {str(f).split("/")[0] for f in metadata.files("upload-token-gateway-client")}
check(ours == {"upload_token_gateway_client", "upload_token_gateway_client-1.0.0.dist-info"},
      f"the wheel installs only upload_token_gateway_client ({sorted(ours)})")
check("googleapis-common-protos" in " ".join(metadata.requires("upload-token-gateway-client")),
      "the wheel requires googleapis-common-protos")

check(apivideo.whoami() == "api.video stand-in", "apivideo still works")
check(errors.status_pb2 is status_pb2, "the client uses googleapis-common-protos' google.rpc")

# One descriptor pool holds google.rpc once and our API: pack a detail the way
# the gateway does and read it back through both.
status = status_pb2.Status(code=5, message="gone")
status.details.add().Pack(error_details_pb2.ErrorInfo(reason="RESOURCE_NOT_FOUND"))
again = status_pb2.Status.FromString(status.SerializeToString())
info = error_details_pb2.ErrorInfo()
check(again.details[0].Unpack(info) and info.reason == "RESOURCE_NOT_FOUND",
      "google.rpc.Status round trip")
check(upload_tokens_pb2.DESCRIPTOR.package == "apivideo.uploadtokens.v1"
      and upload_tokens_pb2.UploadToken.DESCRIPTOR.full_name
      == "apivideo.uploadtokens.v1.UploadToken", "the API's proto package is unchanged")
print("OK")
