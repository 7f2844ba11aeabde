"""The gateway as the steward of one api.video account, measured for make bench.

Three figures (issue #17), each from real processes: the emulator, the gateway
and a Python gRPC client (Debian's python3-grpcio, the stubs in clients/python):

- flood: one caller floods GetUploadToken from eight threads while another
  reads once a second, with api.video's shape of limits at a small scale
  (40 reads and 10 writes per 5 s window, 20 ms per answer): the interactive
  caller's success rate and slowest call, the flood's answers, and the 429s
  the emulator's limiter answered (the steward's target: none);
- mix: a read-heavy mix (nine Gets of 100 tokens, most of them on 20, for
  every Create) from eight threads, with the token cache on and off: upstream
  requests per call;
- (bench.py adds the p50 of a cache hit against the gRPC floor's.)

Each with one gateway, and again with three gateway processes sharing one
redis-server (--redis_address): the flood's threads and the interactive
caller's calls spread over the three, the mix's workers too.
"""

import hashlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))

import grpc  # noqa: E402  (Debian's python3-grpcio)
from upload_token_gateway_client.v1 import upload_tokens_pb2 as pb  # noqa: E402
from upload_token_gateway_client.v1 import upload_tokens_pb2_grpc as pb_grpc  # noqa: E402

FLOOD_TOKEN = "bench-caller-token-of-the-flood"
INTERACTIVE_TOKEN = "bench-caller-token-of-the-interactive-caller"


def emulator_stats(emulator):
    with urllib.request.urlopen(emulator.url + "/_emulator/stats", timeout=10) as r:
        return json.loads(r.read())


def set_rate_limits(emulator, reads, writes, window_seconds):
    body = json.dumps({"reads": reads, "writes": writes,
                       "window_seconds": window_seconds}).encode()
    req = urllib.request.Request(emulator.url + "/_emulator/ratelimit", data=body,
                                 method="POST")
    urllib.request.urlopen(req, timeout=10).read()


def upstream_requests(stats):
    return sum(v for k, v in stats["requests"].items() if "/upload-tokens" in k)


def start_redis(procs, name):
    """A redis-server on a free loopback port, nothing on disk."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = procs.start(name, ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no"])
    end = time.time() + 20
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as c:
                c.sendall(b"PING\r\n")
                if c.recv(16).startswith(b"+PONG"):
                    proc.address = f"127.0.0.1:{port}"
                    return proc
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{name} did not start; see {proc.stderr_path}")


def start_replicas(start_gateway, procs, name, bin_dir, upstream, flags, replicas,
                   shared=True):
    """`replicas` gateways; with more than one and `shared`, sharing a new
    redis-server. The processes to stop, and the gateways."""
    if not shared:
        gateways = [start_gateway(procs, f"{name}_{i}", bin_dir, upstream, flags)
                    for i in range(replicas)]
        return gateways, gateways
    if replicas == 1:
        gateway = start_gateway(procs, name, bin_dir, upstream, flags)
        return [gateway], [gateway]
    redis = start_redis(procs, name + "_redis")
    gateways = [start_gateway(procs, f"{name}_{i}", bin_dir, upstream,
                              flags + [f"--redis_address={redis.address}"])
                for i in range(replicas)]
    return gateways + [redis], gateways


def stub_for(port):
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    grpc.channel_ready_future(channel).result(timeout=20)
    return channel, pb_grpc.UploadTokenServiceStub(channel)


def flood(start_emulator, start_gateway, procs, bin_dir, tmp, seconds, replicas=1,
          shared=True):
    """The interactive caller beside a flood, on `replicas` gateways (sharing
    Redis unless not `shared`)."""
    emulator = start_emulator(procs, "emulator_flood", bin_dir, latency="20ms")
    tokens_file = os.path.join(tmp, "caller_tokens")
    with open(tokens_file, "w") as f:
        for name, token in (("flood", FLOOD_TOKEN), ("interactive", INTERACTIVE_TOKEN)):
            f.write(f"{name} {hashlib.sha256(token.encode()).hexdigest()}\n")
    processes, gateways = start_replicas(
        start_gateway, procs, "gateway_flood", bin_dir, emulator.url,
        [f"--caller_tokens_file={tokens_file}"], replicas, shared)
    channels, stubs = zip(*(stub_for(g.port) for g in gateways))
    stub = stubs[0]
    as_interactive = (("authorization", f"Bearer {INTERACTIVE_TOKEN}"),)
    as_flood = (("authorization", f"Bearer {FLOOD_TOKEN}"),)
    tokens = [stub.CreateUploadToken(pb.CreateUploadTokenRequest(), timeout=20,
                                     metadata=as_interactive).token for _ in range(5)]
    set_rate_limits(emulator, 40, 10, 5)
    before = emulator_stats(emulator)

    stop = threading.Event()
    flood_ok = [0] * 8

    def flood_thread(i):
        n = i
        stub = stubs[i % len(stubs)]
        while not stop.is_set():
            try:
                stub.GetUploadToken(pb.GetUploadTokenRequest(token=tokens[n % 5]),
                                    timeout=6, metadata=as_flood)
                flood_ok[i] += 1
            except grpc.RpcError:
                pass
            n += 1

    threads = [threading.Thread(target=flood_thread, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    latencies, ok = [], 0
    calls = int(seconds)
    for i in range(calls):
        started = time.monotonic()
        try:
            stubs[i % len(stubs)].GetUploadToken(
                pb.GetUploadTokenRequest(token=tokens[i % 5]), timeout=10,
                metadata=as_interactive)
            ok += 1
        except grpc.RpcError:
            pass
        took = time.monotonic() - started
        latencies.append(took)
        time.sleep(max(0.0, 1.0 - took))
    stop.set()
    for t in threads:
        t.join()
    after = emulator_stats(emulator)
    for channel in channels:
        channel.close()
    for proc in processes + [emulator]:
        procs.stop(proc)
    return {
        "interactive_calls": calls,
        "interactive_ok": ok,
        "interactive_p50_ms": statistics.median(latencies) * 1000,
        "interactive_max_ms": max(latencies) * 1000,
        "flood_ok": sum(flood_ok),
        "upstream_reads": after["requests"]["GET /upload-tokens/{token}"]
        - before["requests"]["GET /upload-tokens/{token}"],
        "rate_limited": after["rate_limited"] - before["rate_limited"],
    }


def mix(start_emulator, start_gateway, procs, bin_dir, seconds, cache, replicas=1,
        shared=True):
    """Upstream requests per call of a read-heavy mix, on `replicas` gateways
    (sharing Redis unless not `shared`)."""
    emulator = start_emulator(procs, "emulator_mix", bin_dir)
    flags = [] if not cache else ["--token_cache_max_age=10s",
                                  "--negative_cache_max_age=1s"]
    processes, gateways = start_replicas(start_gateway, procs, "gateway_mix", bin_dir,
                                       emulator.url, flags, replicas, shared)
    channels, stubs = zip(*(stub_for(g.port) for g in gateways))
    stub = stubs[0]
    tokens = [stub.CreateUploadToken(pb.CreateUploadTokenRequest(ttl=3600),
                                     timeout=20).token for _ in range(100)]
    before = emulator_stats(emulator)
    stop = threading.Event()
    calls = [0] * 8

    def worker(i):
        rng = random.Random(i)
        stub = stubs[i % len(stubs)]
        while not stop.is_set():
            if rng.random() < 0.1:
                stub.CreateUploadToken(pb.CreateUploadTokenRequest(ttl=3600), timeout=20)
            else:
                # Most reads are of a few hot tokens.
                pool = tokens[:20] if rng.random() < 0.8 else tokens
                stub.GetUploadToken(pb.GetUploadTokenRequest(token=rng.choice(pool)),
                                    timeout=20)
            calls[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    after = emulator_stats(emulator)
    for channel in channels:
        channel.close()
    for proc in processes + [emulator]:
        procs.stop(proc)
    total = sum(calls)
    upstream = upstream_requests(after) - upstream_requests(before)
    return {"calls": total, "upstream_requests": upstream,
            "upstream_per_call": upstream / total if total else float("nan")}


def print_rows(r):
    print()
    print("Sharing one account (1 gateway, and 3 sharing one redis-server)")
    for name, how in (("flood", "1 gateway"), ("flood_3_alone", "3 gateways, no Redis"),
                      ("flood_3", "3 gateways, Redis")):
        f = r.get(name)
        if not f:
            continue
        print(f"  {how}, flood beside an interactive caller, 40 reads / 5 s: interactive "
              f"{f['interactive_ok']}/{f['interactive_calls']} OK "
              f"({100.0 * f['interactive_ok'] / f['interactive_calls']:.0f} %), "
              f"p50 {f['interactive_p50_ms']:.0f} ms, slowest {f['interactive_max_ms']:.0f} ms; "
              f"flood {f['flood_ok']} OK; upstream reads {f['upstream_reads']}; "
              f"429s from the limiter {f['rate_limited']}")
    for name, how in (("mix_cache_off", "1 gateway, token cache off"),
                      ("mix_cache_on", "1 gateway, token cache on"),
                      ("mix_cache_off_3", "3 gateways, Redis, token cache off"),
                      ("mix_cache_on_3_alone", "3 gateways, no Redis, token cache on"),
                      ("mix_cache_on_3", "3 gateways, Redis, token cache on")):
        m = r.get(name)
        if m:
            print(f"  {how}, read-heavy mix: {m['calls']} calls, "
                  f"{m['upstream_requests']} upstream requests, "
                  f"{m['upstream_per_call']:.3f} per call")
    for name, where in (("cache_hit", "in memory"), ("cache_hit_redis", "in Redis")):
        h = r.get(name)
        if h:
            print(f"  GetUploadToken cache hit {where} at 1 in flight: "
                  f"p50 {h['p50_us'] / 1000:.3f} ms; gRPC floor "
                  f"{h['floor_p50_us'] / 1000:.3f} ms; ratio {h['ratio']:.2f}")
