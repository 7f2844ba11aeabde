"""Unit tests of upload_token_gateway_client without a gateway: a fake stub
stands in for the generated one. test-package.sh runs them against the
installed wheel (python -m unittest test_client)."""
import json
import unittest
import uuid

import grpc
from google.protobuf import duration_pb2
from google.rpc import error_details_pb2, status_pb2

from upload_token_gateway_client import (
    CallOptions, ChannelOptions, ClientOptions, ResponseMetadata, TlsOptions,
    UploadTokenClient, default_service_config_json, error_details, make_channel)
from upload_token_gateway_client.v1 import upload_tokens_pb2 as pb


class FakeError(grpc.RpcError, grpc.Call):
    """A failed call as grpc raises it: an RpcError that is also a Call."""

    def __init__(self, code, retry_delay=None, initial=()):
        self._code, self._initial, self._trailing = code, list(initial), []
        if retry_delay is not None:
            status = status_pb2.Status(code=code.value[0], message="slow down")
            status.details.add().Pack(error_details_pb2.RetryInfo(
                retry_delay=duration_pb2.Duration(seconds=retry_delay)))
            self._trailing.append(("grpc-status-details-bin", status.SerializeToString()))

    def code(self): return self._code
    def details(self): return self._code.name
    def initial_metadata(self): return self._initial
    def trailing_metadata(self): return self._trailing
    def is_active(self): return False
    def time_remaining(self): return None
    def cancel(self): return False
    def add_callback(self, callback): return False


class FakeCall:
    def __init__(self, initial=(), trailing=()):
        self._initial, self._trailing = list(initial), list(trailing)
    def initial_metadata(self): return self._initial
    def trailing_metadata(self): return self._trailing


class FakeMethod:
    """A stub method answering from `outcomes` (a response or an exception)
    and recording each request, timeout and metadata."""

    def __init__(self, *outcomes):
        self.outcomes, self.calls = list(outcomes), []

    def with_call(self, request, timeout=None, metadata=None):
        sent = type(request)()
        sent.CopyFrom(request)  # as sent: the client may reuse its message
        self.calls.append((sent, timeout, metadata))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome, FakeCall(initial=[("x-cache", "miss"), ("x-ratelimit-remaining", "9")],
                                 trailing=[("grpc-status-details-bin", b"..."), ("t", "v")])


class FakeStub:
    def __init__(self, **methods):
        self.__dict__.update(methods)


def make_client(options=None, **methods):
    client = UploadTokenClient(grpc.insecure_channel("localhost:1"), options,
                               sleep=lambda seconds: client.slept.append(seconds))
    client.slept = []
    client.stub = FakeStub(**methods)
    return client


class CreateTest(unittest.TestCase):
    def test_sets_a_fresh_uuid4_request_id_and_reuses_it_on_unavailable(self):
        create = FakeMethod(FakeError(grpc.StatusCode.UNAVAILABLE), pb.UploadToken(token="to1"))
        client = make_client(CreateUploadToken=create)
        self.assertEqual(client.create(ttl=60).token, "to1")
        first, second = create.calls[0][0], create.calls[1][0]
        self.assertEqual(uuid.UUID(first.request_id).version, 4)
        self.assertEqual(first.request_id, second.request_id)
        self.assertEqual(first.ttl, 60)
        self.assertEqual(client.slept, [0.1])

    def test_each_create_gets_its_own_request_id_and_a_given_one_is_kept(self):
        create = FakeMethod(pb.UploadToken(), pb.UploadToken(), pb.UploadToken())
        client = make_client(CreateUploadToken=create)
        client.create()
        client.create()
        client.create(request_id="mine")
        ids = [request.request_id for request, _, _ in create.calls]
        self.assertNotEqual(ids[0], ids[1])
        self.assertEqual(ids[2], "mine")
        self.assertFalse(create.calls[0][0].HasField("ttl"))

    def test_other_errors_and_the_last_attempt_are_not_retried(self):
        create = FakeMethod(FakeError(grpc.StatusCode.INTERNAL))
        with self.assertRaises(grpc.RpcError):
            make_client(CreateUploadToken=create).create()
        self.assertEqual(len(create.calls), 1)
        create = FakeMethod(*[FakeError(grpc.StatusCode.UNAVAILABLE)] * 3)
        with self.assertRaises(grpc.RpcError):
            make_client(CreateUploadToken=create).create()
        self.assertEqual(len(create.calls), 3)


class CallOptionsTest(unittest.TestCase):
    def test_deadline_metadata_in_and_out(self):
        get = FakeMethod(pb.UploadToken(token="to1"), pb.UploadToken(token="to1"))
        client = make_client(ClientOptions(default_timeout=7), GetUploadToken=get)
        metadata = ResponseMetadata()
        client.get("to1", CallOptions(timeout=2, metadata=[("k", "v")],
                                      response_metadata=metadata))
        client.get("to1")
        self.assertEqual(get.calls[0][1:], (2, [("k", "v")]))
        self.assertEqual(get.calls[1][1:], (7, None))
        self.assertEqual(metadata.get("x-cache"), "miss")
        self.assertEqual(metadata.get("t"), "v")
        self.assertIsNone(metadata.get("grpc-status-details-bin"))

    def test_response_metadata_of_an_error(self):
        get = FakeMethod(FakeError(grpc.StatusCode.RESOURCE_EXHAUSTED, 3,
                                   initial=[("x-ratelimit-remaining", "0")]))
        metadata = ResponseMetadata()
        with self.assertRaises(grpc.RpcError) as raised:
            make_client(GetUploadToken=get).get("to1", CallOptions(response_metadata=metadata))
        self.assertEqual(metadata.get("x-ratelimit-remaining"), "0")
        self.assertEqual(error_details(raised.exception).retry_info.retry_delay.seconds, 3)


class IterTokensTest(unittest.TestCase):
    def page(self, *tokens, next_page=""):
        return pb.ListUploadTokensResponse(
            upload_tokens=[pb.UploadToken(token=t) for t in tokens], next_page_token=next_page)

    def test_every_page_waiting_out_retry_info(self):
        listing = FakeMethod(self.page("a", "b", next_page="p2"),
                             FakeError(grpc.StatusCode.RESOURCE_EXHAUSTED, 2),
                             self.page("c"))
        client = make_client(ListUploadTokens=listing)
        tokens = [t.token for t in client.iter_tokens(pb.ListUploadTokensRequest(page_size=2))]
        self.assertEqual(tokens, ["a", "b", "c"])
        self.assertEqual([r.page_token for r, _, _ in listing.calls], ["", "p2", "p2"])
        self.assertTrue(all(r.page_size == 2 for r, _, _ in listing.calls))
        self.assertEqual(client.slept, [2.0])

    def test_gives_up_past_max_wait_or_without_retry_info(self):
        listing = FakeMethod(FakeError(grpc.StatusCode.RESOURCE_EXHAUSTED, 5))
        client = make_client(ClientOptions(list_all_max_wait=4), ListUploadTokens=listing)
        with self.assertRaises(grpc.RpcError):
            list(client.iter_tokens())
        self.assertEqual(client.slept, [])
        listing = FakeMethod(FakeError(grpc.StatusCode.RESOURCE_EXHAUSTED))
        with self.assertRaises(grpc.RpcError):
            list(make_client(ListUploadTokens=listing).iter_tokens())


class PackageTest(unittest.TestCase):
    def test_every_export_resolves(self):
        import upload_token_gateway_client as package
        self.assertEqual(sorted(package.__all__), sorted(package._EXPORTS))
        for name in package.__all__:
            self.assertEqual(getattr(package, name).__name__, name)


class ChannelTest(unittest.TestCase):
    def test_service_config(self):
        config = json.loads(default_service_config_json())
        self.assertEqual(config["loadBalancingConfig"], [{"round_robin": {}}])
        (method,) = config["methodConfig"]
        self.assertEqual(sorted(n["method"] for n in method["name"]),
                         ["GetUploadToken", "ListUploadTokens"])
        self.assertEqual(method["retryPolicy"]["retryableStatusCodes"], ["UNAVAILABLE"])

    def test_refuses_what_cannot_make_a_channel(self):
        with self.assertRaisesRegex(ValueError, "only over TLS"):
            make_channel(ChannelOptions("dns:///gateway:50051", bearer_token="secret"))
        with self.assertRaisesRegex(ValueError, "both"):
            make_channel(ChannelOptions("dns:///gateway:50051",
                                        TlsOptions(certificate_chain=b"cert")))
        with self.assertRaises(ValueError):
            make_channel(ChannelOptions(""))
        make_channel(ChannelOptions("dns:///gateway:50051", TlsOptions(), "secret")).close()


if __name__ == "__main__":
    unittest.main()
