#!/usr/bin/python3
"""make bench / make bench-smoke: the gateway under load, against its floor,
nginx, Little's law and the official Node client (bench/README.md).

Starts everything itself on loopback (emulator, gateway, yardsticks), loads
gRPC with h2load and pre-encoded frames, reads every call's grpc-status from
the gateway's access log (h2load sees only HTTP :status), samples CPU time,
RSS and threads from /proc, and prints one table.

Usage: bench/bench.py [--build-dir build-bench] [--seconds 5] [--repeat 1]
                      [--smoke] [--json FILE] [--skip-node]
"""

import argparse
import base64
import json
import math
import os
import re
import shutil
import signal
import socket
import ssl
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import stewardship

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
API_KEY = "bench" + "0" * 27
SERVICE = "apivideo.uploadtokens.v1.UploadTokenService"
TICKS = os.sysconf("SC_CLK_TCK")
METHODS = ["GetUploadToken", "ListUploadTokens", "CreateUploadToken"]
GATEWAY_BINARY = None  # --gateway-binary: another build, for before/after


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


# --- /proc ------------------------------------------------------------------


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def context_switches(pid):
    """Context switches (voluntary and not) of every live thread of `pid`.
    Threads that ended are not counted: the processes measured here keep
    theirs for their whole life."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches:",
                                        "nonvoluntary_ctxt_switches:")):
                        total += int(line.split()[1])
        except OSError:
            pass  # the thread ended between the listing and the read
    return total


def status_field(pid, name):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


class Sampler:
    """Peak thread count of `pid` while a load runs."""

    def __init__(self, pid):
        self.pid, self.peak_threads, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                self.peak_threads = max(self.peak_threads,
                                        status_field(self.pid, "Threads"))
            except OSError:
                return
            self._stop.wait(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


# --- processes --------------------------------------------------------------


class Procs:
    def __init__(self, tmp):
        self.tmp, self.procs = tmp, []

    def start(self, name, argv, env=None):
        err = open(os.path.join(self.tmp, name + ".stderr"), "wb")
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err,
                                env=env, cwd=self.tmp)
        proc.stderr_path = err.name
        self.procs.append(proc)
        return proc

    def stop(self, proc):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def stop_all(self):
        for proc in reversed(self.procs):
            self.stop(proc)


def private_copy(procs, binary, name):
    """A copy of `binary` under another name: other jobs on a shared machine
    stop their gateways and emulators by name (pkill), and must not stop
    these mid-measurement."""
    copy = os.path.join(procs.tmp, name)
    if not os.path.exists(copy):
        shutil.copy2(binary, copy)
    return copy


def make_certificates(tmp):
    """A throwaway CA and a server certificate for 127.0.0.1."""
    d = os.path.join(tmp, "tls")
    os.makedirs(d, exist_ok=True)
    def sh(*argv):
        subprocess.run(argv, check=True, cwd=d, capture_output=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    sh("openssl", "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem",
       "-days", "2", "-subj", "/CN=bench-ca")
    sh("openssl", "req", *ec, "-keyout", "server.key", "-out", "server.csr",
       "-subj", "/CN=127.0.0.1")
    with open(os.path.join(d, "ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    sh("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey",
       "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2",
       "-extfile", "ext")
    return {k: os.path.join(d, v) for k, v in
            (("ca", "ca.pem"), ("cert", "server.pem"), ("key", "server.key"))}


def start_emulator(procs, name, bin_dir, latency=None, tls=None):
    argv = [private_copy(procs, os.path.join(bin_dir, "apivideo_emulator"), "bench-emu"),
            "--listen=127.0.0.1:0", f"--api_key={API_KEY}",
            "--rate_limit_reads=1000000000", "--rate_limit_writes=1000000000"]
    if latency:
        argv.append(f"--latency={latency}")
    if tls:
        argv += [f"--tls_cert={tls['cert']}", f"--tls_key={tls['key']}"]
    proc = procs.start(name, argv)
    end = time.time() + 20
    while time.time() < end:
        with open(proc.stderr_path) as f:
            m = re.search(r"listening on (https?://127\.0\.0\.1:(\d+))", f.read())
        if m:
            proc.url, proc.port = m.group(1), int(m.group(2))
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not start; see {proc.stderr_path}")


def basic_auth():
    return "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()


def rest(url, method="GET", body=None, ca=None):
    req = urllib.request.Request(url, method=method, data=body, headers={
        "Authorization": basic_auth(), "Content-Type": "application/json"})
    context = ssl.create_default_context(cafile=ca) if ca else None
    with urllib.request.urlopen(req, timeout=10, context=context) as r:
        return json.loads(r.read())


# The yardsticks compare calls that go upstream, as the floors' do. h2load
# sends the same request every time, so identical reads in flight together
# would otherwise share one upstream request (read_coalescer.h).
EVERY_CALL_UPSTREAM = ["--coalesce_reads=false"]


def start_gateway(procs, name, bin_dir, upstream, extra=()):
    port = free_port()
    env = dict(os.environ, APIVIDEO_API_KEY=API_KEY)
    proc = procs.start(name, [
        private_copy(procs, GATEWAY_BINARY or os.path.join(bin_dir, "upload_token_gateway"),
                     "bench-gw"),
        f"--listen=127.0.0.1:{port}", f"--api_base_url={upstream}",
        "--allow_plaintext_upstream", "--health_probe_interval=0",
        # The yardsticks measure calls that go upstream, as the floors do:
        # a Get answered from the token cache would not.
        "--token_cache_max_age=0", "--negative_cache_max_age=0", *extra],
        env=env)
    wait_port(port)
    proc.port = port
    return proc


def start_floor_server(procs, bin_dir, handoff=False, relay=None):
    """bench/floor_server.cc; with `handoff`, answering from a second thread;
    with `relay` (VERB, URL, BODY), from a libcurl loop after making that
    request upstream for every call."""
    port = free_port()
    mode = ["--handoff"] if handoff else []
    if relay:
        verb, url, body = relay
        mode = ["--relay", verb, url, f"Authorization: {basic_auth()}", body]
    name = "floor_server" + ("_handoff" if handoff else "_relay" if relay else "")
    proc = procs.start(name, [os.path.join(bin_dir, "bench_floor_server"), str(port),
                              *mode])
    wait_port(port)
    proc.port = port
    return proc


def check_relay_floor(procs, proc):
    """Stops a relay floor and fails the bench if any of its upstream requests
    failed: a floor that answered errors measured less than the work."""
    procs.stop(proc)
    with open(proc.stderr_path, errors="replace") as f:
        failed = [line for line in f if line.startswith("upstream failed")]
    if failed:
        raise RuntimeError(f"relay floor: {len(failed)} upstream requests failed, "
                           f"first: {failed[0].strip()}")


def start_nginx(procs, tmp, upstream_port):
    port = free_port()
    prefix = os.path.join(tmp, "nginx")
    os.makedirs(prefix, exist_ok=True)
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""
worker_processes 1;
master_process off;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
worker_rlimit_nofile 20000;
events {{ worker_connections 16000; }}
http {{
  access_log {prefix}/access.log;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  upstream emulator {{
    server 127.0.0.1:{upstream_port};
    keepalive 256;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://emulator;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }}
  }}
}}
""")
    proc = procs.start("nginx", [shutil.which("nginx") or "/usr/sbin/nginx",
                                 "-p", prefix, "-c", conf])
    wait_port(port)
    proc.port = port
    return proc


# --- load -------------------------------------------------------------------


def varint(n):
    out = b""
    while True:
        byte, n = n & 0x7F, n >> 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def grpc_frame(method, token):
    if method == "GetUploadToken":
        msg = b"\x0a" + varint(len(token)) + token.encode()
    elif method == "CreateUploadToken":
        msg = b"\x08" + varint(3600)
    else:  # ListUploadTokens, a page of 100
        msg = b"\x08" + varint(100)
    return b"\x00" + struct.pack(">I", len(msg)) + msg


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))]


class H2loadHung(RuntimeError):
    """h2load did not end within a minute of its run's end."""


def h2load(url, tmp, conns, streams, seconds, data=None, headers=(), h1=False,
           pid=None, access_log=None, method=None):
    """h2load_once, run again once if h2load hangs."""
    try:
        return h2load_once(url, tmp, conns, streams, seconds, data, headers,
                           h1, pid, access_log, method)
    except H2loadHung as hung:
        log(f"h2load hung; running it again: {hung}")
        return h2load_once(url, tmp, conns, streams, seconds, data, headers,
                           h1, pid, access_log, method)


def h2load_once(url, tmp, conns, streams, seconds, data=None, headers=(),
                h1=False, pid=None, access_log=None, method=None):
    """Runs h2load; returns calls/s, latencies, HTTP failures and, with `pid`,
    that process's CPU per call and peak threads; with `access_log`, the
    grpc-status of every call the gateway logged during the run."""
    log_file = os.path.join(tmp, "h2load.log")
    if os.path.exists(log_file):
        os.unlink(log_file)  # h2load appends
    argv = ["h2load", "-c", str(conns), "-m", str(streams), "-t", "1",
            "-D", f"{seconds:g}", "--warm-up-time=1", "--log-file", log_file]
    if h1:
        argv.append("--h1")
    if data is not None:
        frame = os.path.join(tmp, "frame.bin")
        with open(frame, "wb") as f:
            f.write(data)
        argv += ["-d", frame, "-H", "content-type: application/grpc",
                 "-H", "te: trailers"]
    for header in headers:
        argv += ["-H", header]
    argv.append(url)
    log_offset = os.path.getsize(access_log) if access_log else 0
    sampler = Sampler(pid) if pid else None
    if sampler:
        sampler.__enter__()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    # h2load warms up for 1 s, then measures for `seconds`: CPU is taken
    # over the measured part, calls are those started in it.
    time.sleep(1.0)
    cpu0 = cpu_seconds(pid) if pid else 0
    switches0 = context_switches(pid) if pid else 0
    t0 = time.time()
    try:
        out = proc.communicate(timeout=seconds + 60)[0]
    except subprocess.TimeoutExpired:
        # h2load 1.52 has been seen to hang after "Stopped all clients"
        # (2026-12-02, against nginx): a lost run, not a hung benchmark.
        proc.kill()
        proc.communicate()
        if sampler:
            sampler.__exit__()
        raise H2loadHung(" ".join(argv))
    cpu = cpu_seconds(pid) - cpu0 if pid else 0
    switches = context_switches(pid) - switches0 if pid else 0
    wall = time.time() - t0
    if sampler:
        sampler.__exit__()
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, "
                  r"(\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout", out)
    if not m:
        raise RuntimeError("h2load failed:\n" + out)
    done, succeeded = int(m.group(3)), int(m.group(4))
    entries = []
    with open(log_file) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                entries.append((int(parts[0]), int(parts[2])))
    # The measured window: from the end of the 1 s warm-up to the end of the
    # last call. Calls count when they end in it (throughput by completion,
    # which also holds when calls take longer than the run).
    first = min((e[0] for e in entries), default=0)
    start = first + 1_000_000
    window = [e for e in entries if e[0] + e[1] >= start]
    measured = sorted(e[1] for e in window)
    calls = max(1, len(measured))
    span = (max((e[0] + e[1] for e in window), default=0) - start) / 1e6
    result = {"calls_per_s": len(measured) / span if span > 0 else 0.0,
              "done": done,
              "http_failures": done - succeeded,
              "p50_us": percentile(measured, 0.5), "p99_us": percentile(measured, 0.99),
              # CPU time over the measured part (wall `wall`) per call in it,
              # scaled in case the two windows differ slightly.
              "cpu_us_per_call": (cpu * 1e6 / calls) * (seconds / wall if wall else 1)
              if pid else None,
              "switches_per_call": (switches / calls) * (seconds / wall if wall else 1)
              if pid else None}
    if sampler:
        result["threads"] = sampler.peak_threads
        result["rss_mb"] = status_field(pid, "VmHWM") / 1024
    if access_log:
        time.sleep(0.2)
        codes = {}
        with open(access_log, "rb") as f:
            f.seek(log_offset)
            for line in f.read().decode(errors="replace").splitlines():
                if method and method not in line:
                    continue
                cm = re.search(r'\bcode[=:]"?([A-Z_]+)', line)
                if cm:
                    codes[cm.group(1)] = codes.get(cm.group(1), 0) + 1
        result["grpc_codes"] = codes
        # h2load resets the streams still open when its time is up: the
        # gateway logs those calls CANCELLED, at most one per stream.
        cancelled = codes.get("CANCELLED", 0)
        result["grpc_errors"] = sum(
            n for c, n in codes.items() if c not in ("OK", "CANCELLED")) + max(
                0, cancelled - conns * streams)
    return result


def grpc_status_sample(port, method, frame, tmp):
    """One call with nghttp, which shows the trailers h2load ignores."""
    path = os.path.join(tmp, "sample.bin")
    with open(path, "wb") as f:
        f.write(frame)
    out = subprocess.run(
        ["nghttp", "-v", "-d", path, "-H", "content-type: application/grpc",
         "-H", "te: trailers", f"http://127.0.0.1:{port}/{SERVICE}/{method}"],
        capture_output=True, check=False).stdout.decode(errors="replace")
    m = re.search(r"grpc-status: (\d+)", out)
    return int(m.group(1)) if m else -1


def floor_curl(bin_dir, url, in_flight, seconds, method="GET", body="", epoll=False):
    out = subprocess.run(
        [os.path.join(bin_dir, "bench_floor_curl"), *(["--epoll"] if epoll else []), url,
         f"Authorization: {basic_auth()}", str(in_flight), str(seconds),
         method, body], capture_output=True, text=True, check=False)
    try:
        return json.loads(out.stdout)
    except ValueError:
        raise RuntimeError("bench_floor_curl failed: " + out.stderr + out.stdout)


def node_yardstick(mode, target, token, in_flight, seconds):
    node_dir = os.path.join(ROOT, "bench", "node")
    out = subprocess.run(
        ["node", os.path.join(node_dir, "yardstick.mjs"), mode, target, API_KEY,
         token, str(in_flight), str(seconds)],
        capture_output=True, text=True, check=False, cwd=node_dir)
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise RuntimeError(f"node yardstick {mode} failed: {out.stderr}")


# --- the run ----------------------------------------------------------------


def upstream_request(method, token):
    """The REST call behind each RPC, as (HTTP method, path, body)."""
    if method == "GetUploadToken":
        return "GET", f"/upload-tokens/{token}", ""
    if method == "ListUploadTokens":
        return "GET", "/upload-tokens?currentPage=1&pageSize=100", ""
    return "POST", "/upload-tokens", '{"ttl":3600}'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--repeat", type=int, default=1,
                    help="repeat the gateway table this many times; medians")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--min-calls-per-s", type=float, default=1000)
    ap.add_argument("--skip-node", action="store_true")
    ap.add_argument("--json", help="write every figure to this file")
    ap.add_argument("--gateway-binary",
                    help="measure this upload_token_gateway instead (before/after)")
    ap.add_argument("--skip-little", action="store_true")
    ap.add_argument("--skip-stewardship", action="store_true")
    ap.add_argument("--stewardship-only", action="store_true",
                    help="only the rows of 'Sharing one account'")
    args = ap.parse_args()
    global GATEWAY_BINARY
    GATEWAY_BINARY = args.gateway_binary
    bin_dir = os.path.join(os.path.abspath(args.build_dir), "bin")
    tmp = tempfile.mkdtemp(prefix="gateway-bench-")
    procs = Procs(tmp)
    try:
        return run(args, bin_dir, tmp, procs)
    finally:
        procs.stop_all()
        if os.environ.get("BENCH_KEEP_TMP"):
            log("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args, bin_dir, tmp, procs):
    t_start = time.time()
    secs = args.seconds
    emulator = start_emulator(procs, "emulator", bin_dir)
    tokens = [rest(emulator.url + "/upload-tokens", "POST", b'{"ttl":3600}')["token"]
              for _ in range(100)]
    token = tokens[0]
    gateway = start_gateway(procs, "gateway", bin_dir, emulator.url,
                            EVERY_CALL_UPSTREAM)
    access_log = gateway.stderr_path
    frames = {m: grpc_frame(m, token) for m in METHODS}
    failures = []
    for m in METHODS:
        code = grpc_status_sample(gateway.port, m, frames[m], tmp)
        if code != 0:
            failures.append(f"{m}: a sample call ended with grpc-status {code}")
    if failures:
        log("\n".join(failures), f"(gateway log: {access_log})")
        return 1

    def gw_url(port, m):
        return f"http://127.0.0.1:{port}/{SERVICE}/{m}"

    results = {"machine": machine(), "seconds": secs}

    if args.stewardship_only:
        steward = stewardship_rows(args, bin_dir, tmp, procs, emulator, frames, None)
        stewardship.print_rows(steward)
        return 0

    if args.smoke:
        rows = {}
        for m in METHODS:
            r = h2load(gw_url(gateway.port, m), tmp, 2, 5, secs, data=frames[m],
                       pid=gateway.pid, access_log=access_log, method=m)
            rows[m] = r
            log(f"{m}: {r['calls_per_s']:.0f} calls/s, grpc codes {r['grpc_codes']}, "
                f"HTTP failures {r['http_failures']}")
            if r["grpc_errors"] or r["http_failures"]:
                failures.append(f"{m}: {r['grpc_errors']} gRPC errors, "
                                f"{r['http_failures']} HTTP failures")
            if sum(r["grpc_codes"].values()) < r["done"] * 0.99:
                failures.append(f"{m}: only {sum(r['grpc_codes'].values())} of "
                                f"{r['done']} calls in the access log")
            # A page of 100 tokens costs more than one token.
            floor = args.min_calls_per_s / (4 if m == "ListUploadTokens" else 1)
            if r["calls_per_s"] < floor:
                failures.append(f"{m}: {r['calls_per_s']:.0f} calls/s is under the "
                                f"floor of {floor:.0f}")
        print_table(rows, {}, None)
        for m in METHODS:
            code = grpc_status_sample(gateway.port, m, frames[m], tmp)
            if code != 0:
                failures.append(f"{m}: the final check call ended with grpc-status {code}")
        if gateway.poll() is not None:
            failures.append("the gateway exited")
        log(f"bench-smoke took {time.time() - t_start:.0f} s")
        if failures:
            log("bench-smoke FAILED:\n  " + "\n  ".join(failures))
            return 1
        log("bench-smoke passed")
        return 0

    floor = start_floor_server(procs, bin_dir)
    handoff_floor = start_floor_server(procs, bin_dir, handoff=True)
    nginx = start_nginx(procs, tmp, emulator.port)

    # Everything at 10 calls in flight (gRPC: 2 connections x 5 streams;
    # HTTP/1.1: 10 connections), then 1 in flight for latency. Methods in
    # this order so that creates do not grow the list the List runs read.
    gw_runs = {m: [] for m in METHODS}
    gw1_runs = []
    rows_floor, rows_handoff, rows_curl, rows_relay, extra = {}, {}, {}, {}, {}
    for m in METHODS:
        verb, path, body = upstream_request(m, token)
        for i in range(args.repeat):
            log(f"gateway {m} (run {i + 1}/{args.repeat})")
            gw_runs[m].append(h2load(gw_url(gateway.port, m), tmp, 2, 5, secs,
                                     data=frames[m], pid=gateway.pid,
                                     access_log=access_log, method=m))
            if m == "GetUploadToken":
                gw1_runs.append(h2load(gw_url(gateway.port, m), tmp, 1, 1, secs,
                                       data=frames[m], pid=gateway.pid,
                                       access_log=access_log, method=m))
        log(f"floor gRPC server {m}")
        rows_floor[m] = h2load(gw_url(floor.port, m), tmp, 2, 5, secs,
                               data=frames[m], pid=floor.pid)
        log(f"hand-off floor gRPC server {m}")
        rows_handoff[m] = h2load(gw_url(handoff_floor.port, m), tmp, 2, 5, secs,
                                 data=frames[m], pid=handoff_floor.pid)
        log(f"floor libcurl client {verb} {path}")
        rows_curl[m] = floor_curl(bin_dir, emulator.url + path, 10, secs, verb, body)
        log(f"relay floor: hand-off + libcurl {verb} {path} in one process")
        relay = start_floor_server(procs, bin_dir, relay=(verb, emulator.url + path, body))
        rows_relay[m] = h2load(gw_url(relay.port, m), tmp, 2, 5, secs,
                               data=frames[m], pid=relay.pid)
        if m == "GetUploadToken":
            extra["relay_floor_1"] = h2load(gw_url(relay.port, m), tmp, 1, 1, secs,
                                            data=frames[m], pid=relay.pid)
            extra["floor_server_1"] = h2load(gw_url(floor.port, m), tmp, 1, 1, secs,
                                             data=frames[m], pid=floor.pid)
            extra["handoff_floor_1"] = h2load(gw_url(handoff_floor.port, m), tmp, 1, 1,
                                              secs, data=frames[m], pid=handoff_floor.pid)
            extra["floor_curl_1"] = floor_curl(bin_dir, emulator.url + path, 1, secs)
            hdr = [f"authorization: {basic_auth()}"]
            log("nginx and the emulator direct, GET " + path)
            extra["nginx_10"] = h2load(f"http://127.0.0.1:{nginx.port}{path}", tmp,
                                       10, 1, secs, headers=hdr, h1=True, pid=nginx.pid)
            extra["nginx_1"] = h2load(f"http://127.0.0.1:{nginx.port}{path}", tmp,
                                      1, 1, secs, headers=hdr, h1=True, pid=nginx.pid)
            extra["direct_1"] = h2load(f"{emulator.url}{path}", tmp, 1, 1, secs,
                                       headers=hdr, h1=True, pid=emulator.pid)
            if not args.skip_node:
                log("node: official client direct, grpc-js through the gateway")
                extra["node_rest"] = node_yardstick("rest", emulator.url, token, 10, secs)
                extra["node_grpc"] = node_yardstick(
                    "grpc", f"127.0.0.1:{gateway.port}", token, 10, secs)
        check_relay_floor(procs, relay)
    procs.stop(nginx)
    procs.stop(handoff_floor)
    procs.stop(floor)

    rows = {m: median_row(gw_runs[m]) for m in METHODS}
    gw1 = median_row(gw1_runs)

    # Little's law: a fresh gateway before an upstream that answers after
    # 100 ms, over HTTP/1.1 (one connection per call in flight), then over
    # HTTP/2 (TLS, ALPN; a few multiplexed connections).
    little, little_curl = {}, {}
    tls = make_certificates(tmp)
    m = "GetUploadToken"
    for proto in () if args.skip_little else ("HTTP/1.1", "HTTP/2"):
        log(f"Little's law: upstream latency 100 ms, {proto}")
        h2 = proto == "HTTP/2"
        slow = start_emulator(procs, "emulator_slow", bin_dir, latency="100ms",
                              tls=tls if h2 else None)
        flags = [f"--ca_file={tls['ca']}", "--upstream_max_connections=64"] if h2 else []
        gw_slow = start_gateway(procs, "gateway_slow", bin_dir, slow.url,
                                flags + EVERY_CALL_UPSTREAM)
        slow_token = rest(slow.url + "/upload-tokens", "POST", b'{"ttl":3600}',
                          ca=tls["ca"] if h2 else None)["token"]
        frame = grpc_frame(m, slow_token)
        for n, (c, s_) in (("10", (10, 1)), ("1000", (100, 10)), ("10000", (100, 100))):
            if n == "10" and h2:
                continue
            little[f"{proto} {n}"] = h2load(
                gw_url(gw_slow.port, m), tmp, c, s_, max(secs, 8), data=frame,
                pid=gw_slow.pid, access_log=gw_slow.stderr_path, method=m)
        procs.stop(gw_slow)
        if not h2:
            url = f"{slow.url}/upload-tokens/{slow_token}"
            log("Little's law: relay floor, 1000 in flight")
            relay = start_floor_server(procs, bin_dir, relay=("GET", url, ""))
            extra["little_relay"] = h2load(gw_url(relay.port, m), tmp, 100, 10,
                                           max(secs, 8), data=frame, pid=relay.pid)
            check_relay_floor(procs, relay)
            # The HTTP client alone at 1,000 in flight, driven both ways.
            for mode in ("poll", "epoll"):
                log(f"Little's law: libcurl floor, 1000 in flight, {mode}")
                little_curl[mode] = floor_curl(bin_dir, url, 1000, max(secs, 8),
                                               epoll=mode == "epoll")
        procs.stop(slow)

    steward = {} if args.skip_stewardship else stewardship_rows(
        args, bin_dir, tmp, procs, emulator, frames, extra["floor_server_1"]["p50_us"])
    results.update(gateway=rows, gateway_1=gw1, gateway_runs=gw_runs,
                   floor_server=rows_floor, handoff_floor=rows_handoff,
                   floor_curl=rows_curl, relay_floor=rows_relay, little=little,
                   little_curl=little_curl, stewardship=steward,
                   **extra)
    print_table(rows, results, little)
    stewardship.print_rows(steward)
    log(f"bench took {time.time() - t_start:.0f} s; results in memory only"
        if not args.json else f"bench took {time.time() - t_start:.0f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    bad = [m for m in METHODS if rows[m]["grpc_errors"] or rows[m]["http_failures"]]
    return 1 if bad else 0


def stewardship_rows(args, bin_dir, tmp, procs, emulator, frames, floor_p50_us):
    """The rows of 'Sharing one account' (bench/stewardship.py)."""
    secs = args.seconds
    m = "GetUploadToken"
    if floor_p50_us is None:
        floor = start_floor_server(procs, bin_dir)
        floor_p50_us = h2load(f"http://127.0.0.1:{floor.port}/{SERVICE}/{m}", tmp,
                              1, 1, secs, data=frames[m], pid=floor.pid)["p50_us"]
        procs.stop(floor)
    log("a cache hit at 1 in flight")
    cached = start_gateway(procs, "gateway_cached", bin_dir, emulator.url,
                           ["--token_cache_max_age=1h"])
    url = f"http://127.0.0.1:{cached.port}/{SERVICE}/{m}"
    grpc_status_sample(cached.port, m, frames[m], tmp)  # fills the cache
    hit = h2load(url, tmp, 1, 1, secs, data=frames[m], pid=cached.pid)
    procs.stop(cached)
    rows = {"cache_hit": {"p50_us": hit["p50_us"], "floor_p50_us": floor_p50_us,
                          "ratio": hit["p50_us"] / floor_p50_us}}
    log("a cache hit in Redis (replicas' shared cache) at 1 in flight")
    redis = stewardship.start_redis(procs, "redis_cached")
    shared = start_gateway(procs, "gateway_shared_cache", bin_dir, emulator.url,
                           ["--token_cache_max_age=1h",
                            f"--redis_address={redis.address}"])
    url = f"http://127.0.0.1:{shared.port}/{SERVICE}/{m}"
    grpc_status_sample(shared.port, m, frames[m], tmp)  # fills the cache
    hit = h2load(url, tmp, 1, 1, secs, data=frames[m], pid=shared.pid)
    procs.stop(shared)
    procs.stop(redis)
    rows["cache_hit_redis"] = {"p50_us": hit["p50_us"], "floor_p50_us": floor_p50_us,
                               "ratio": hit["p50_us"] / floor_p50_us}
    for replicas in (1, 3):
        suffix = "" if replicas == 1 else "_3"
        for cache in (False, True):
            log(f"a read-heavy mix on {replicas} gateway(s), token cache "
                f"{'on' if cache else 'off'}")
            rows[("mix_cache_on" if cache else "mix_cache_off") + suffix] = \
                stewardship.mix(start_emulator, start_gateway, procs, bin_dir,
                                max(secs, 5), cache, replicas)
        log(f"a flood beside an interactive caller on {replicas} gateway(s) (about 20 s)")
        rows["flood" + suffix] = stewardship.flood(
            start_emulator, start_gateway, procs, bin_dir, tmp, max(20, secs), replicas)
    # The same three gateways, each on its own: what Redis changes.
    log("a read-heavy mix on 3 gateways without Redis, token cache on")
    rows["mix_cache_on_3_alone"] = stewardship.mix(
        start_emulator, start_gateway, procs, bin_dir, max(secs, 5), True, 3, shared=False)
    log("a flood beside an interactive caller on 3 gateways without Redis (about 20 s)")
    rows["flood_3_alone"] = stewardship.flood(
        start_emulator, start_gateway, procs, bin_dir, tmp, max(20, secs), 3, shared=False)
    return rows


def median_row(runs):
    row = dict(runs[len(runs) // 2])
    for key in ("calls_per_s", "p50_us", "p99_us", "cpu_us_per_call",
                "switches_per_call", "threads", "rss_mb"):
        row[key] = statistics.median(r[key] for r in runs)
    row["grpc_errors"] = sum(r["grpc_errors"] for r in runs)
    row["http_failures"] = sum(r["http_failures"] for r in runs)
    return row


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cpu": model, "cores": os.cpu_count(),
            "load": open("/proc/loadavg").read().split()[:3]}


def verdict(met):
    return "target met" if met else "TARGET MISSED"


def rounded_down(x):
    """One decimal, rounded down, so that a figure just short of a target
    (89.95 % of the bound) is never printed as reaching it (90.0 %)."""
    return f"{math.floor(x * 10) / 10:.1f}"


def ratio(a, b):
    return f"{a / b:.2f}x" if b else "n/a"


def print_table(rows, r, little):
    print()
    print(f"{'RPC (10 in flight)':<20} {'calls/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'CPU us/call':>12} {'peak RSS MB':>12} {'threads':>8} {'errors':>7}")
    for m, row in rows.items():
        print(f"{m:<20} {row['calls_per_s']:>9.0f} {row['p50_us'] / 1000:>8.2f} "
              f"{row['p99_us'] / 1000:>8.2f} {row['cpu_us_per_call']:>12.1f} "
              f"{row['rss_mb']:>12.1f} {row['threads']:>8} "
              f"{row['grpc_errors'] + row['http_failures']:>7}")
    if not r:
        return
    print()
    print("1. Floors: gRPC callback server answering from memory (plain: in its handler;"
          " hand-off:")
    print("   from one other thread) + minimal libcurl multi client, same load; target:"
          " gateway <= 1.2x (hand-off + curl)")
    print("   relay: the hand-off server whose other thread makes the upstream request"
          " with libcurl (the")
    print("   gateway's structure without its work, sharing the machine as the gateway"
          " does)")
    # CPU per call, judged against the target; then context switches per
    # call, which explain most of the CPU (bench/README.md).
    for key, unit, digits in (("cpu_us_per_call", "CPU us/call", 1),
                              ("switches_per_call", "context switches/call", 2)):
        print(f"   {'RPC':<20} {'grpc':>7} {'hand-off':>9} {'curl':>7} "
              f"{'hand-off+curl':>14} {'relay':>7} {'gateway':>8}" +
              (f" {'ratio':>7}" if key == "cpu_us_per_call" else "") + f"   ({unit})")
        for m in rows:
            fs, fh, fc, fr = (r[floor][m][key] for floor in (
                "floor_server", "handoff_floor", "floor_curl", "relay_floor"))
            g = rows[m][key]
            line = (f"   {m:<20} {fs:>7.{digits}f} {fh:>9.{digits}f} {fc:>7.{digits}f} "
                    f"{fh + fc:>14.{digits}f} {fr:>7.{digits}f} {g:>8.{digits}f}")
            if key == "cpu_us_per_call":
                line += (f" {ratio(g, fh + fc):>7}  {verdict(g <= 1.2 * (fh + fc))}; "
                         f"relay floor itself {ratio(fr, fh + fc)}, gateway/relay "
                         f"{ratio(g, fr)}")
            print(line)
    f1, h1 = r["floor_server_1"]["p50_us"], r["handoff_floor_1"]["p50_us"]
    c1, g1 = r["floor_curl_1"]["p50_us"], r["gateway_1"]["p50_us"]
    r1 = r["relay_floor_1"]["p50_us"]
    print(f"   p50 at 1 in flight (Get): hand-off floor {h1:.0f} us (plain {f1:.0f}) + curl "
          f"floor {c1:.0f} us = {h1 + c1:.0f} us; gateway {g1:.0f} us: {ratio(g1, h1 + c1)}  "
          f"{verdict(g1 <= 1.2 * (h1 + c1))}; relay floor {r1:.0f} us, gateway/relay "
          f"{ratio(g1, r1)}")
    n10, n1, d1 = r["nginx_10"], r["nginx_1"], r["direct_1"]
    g = rows["GetUploadToken"]
    print("2. nginx reverse proxy (proxy_pass, upstream keepalive), GET over HTTP/1.1")
    print(f"   CPU us/call at 10 in flight: nginx {n10['cpu_us_per_call']:.1f}, gateway "
          f"{g['cpu_us_per_call']:.1f}: {ratio(g['cpu_us_per_call'], n10['cpu_us_per_call'])}")
    na, ga = n1["p50_us"] - d1["p50_us"], g1 - d1["p50_us"]
    print(f"   added p50 latency at 1 in flight (upstream direct {d1['p50_us']:.0f} us): "
          f"nginx {na:.0f} us, gateway {ga:.0f} us: {ratio(ga, na)}")
    print(f"   calls/s at 10 in flight: nginx {n10['calls_per_s']:.0f}, gateway "
          f"{g['calls_per_s']:.0f}")
    print("3. Little's law: upstream answers after 100 ms (GetUploadToken; "
          "HTTP/2: TLS, --upstream_max_connections=64)")
    for key, row in little.items():
        proto, n = key.split()
        bound = int(n) / 0.1
        print(f"   {proto:<8} {n:>6} in flight: {row['calls_per_s']:>6.0f} calls/s of "
              f"{bound:.0f} bound ({rounded_down(100 * row['calls_per_s'] / bound)}%), "
              f"p50 {row['p50_us'] / 1000:.1f} ms, p99 {row['p99_us'] / 1000:.1f} ms, "
              f"threads {row['threads']}, peak RSS {rounded_down(row['rss_mb'])} MB, errors "
              f"{row['grpc_errors'] + row['http_failures']}"
              + (f"  {verdict(row['calls_per_s'] >= 0.9 * bound)}" if n == "1000" else "")
              + (f"  {verdict(row['rss_mb'] < 300 and not row['grpc_errors'] + row['http_failures'])}"
                 if n == "10000" else ""))
    if r.get("little_relay"):
        lr = r["little_relay"]
        g = little.get("HTTP/1.1 1000")
        print(f"   relay floor, HTTP/1.1, 1000 in flight, same upstream: "
              f"{lr['calls_per_s']:.0f} calls/s ({rounded_down(lr['calls_per_s'] / 100)}% of "
              f"the bound)" + (f"; gateway/relay {ratio(g['calls_per_s'], lr['calls_per_s'])}"
                               if g else ""))
    if r.get("little_curl"):
        lp, le = r["little_curl"]["poll"], r["little_curl"]["epoll"]
        print("   libcurl floor alone, HTTP/1.1, 1000 in flight, same upstream: "
              f"curl_multi_poll {lp['calls'] / lp['seconds']:.0f} calls/s at "
              f"{lp['cpu_us_per_call']:.1f} us/call; socket interface + epoll (the "
              f"gateway's) {le['calls'] / le['seconds']:.0f} calls/s at "
              f"{le['cpu_us_per_call']:.1f} us/call: "
              f"{ratio(le['cpu_us_per_call'], lp['cpu_us_per_call'])} the CPU")
    if "node_rest" in r:
        nr, ng = r["node_rest"], r["node_grpc"]
        print("4. Node, 10 in flight: official @api.video/nodejs-client direct vs "
              "@grpc/grpc-js through the gateway")
        print(f"   calls/s: direct {nr['calls_per_s']:.0f}, gateway "
              f"{ng['calls_per_s']:.0f}: {ratio(ng['calls_per_s'], nr['calls_per_s'])}; "
              f"p50: direct {nr['p50_us'] / 1000:.2f} ms, gateway "
              f"{ng['p50_us'] / 1000:.2f} ms: {ratio(ng['p50_us'], nr['p50_us'])}; "
              f"client CPU us/call: direct {nr['client_cpu_us_per_call']:.0f}, gateway "
              f"{ng['client_cpu_us_per_call']:.0f}; errors {nr['errors']}/{ng['errors']}")
    print(f"machine: {r['machine']['cores']} x {r['machine']['cpu']}, "
          f"load at start {' '.join(r['machine']['load'])}")


if __name__ == "__main__":
    sys.exit(main())
