#!/usr/bin/python3
"""A DNS server for one name, so that a test can put two gateway replicas
behind one DNS name as a headless Kubernetes Service does.

    dns_server.py NAME ADDRESS...

Answers A queries for NAME with every ADDRESS (IPv4), any other query for NAME
with no records, and any other name with NXDOMAIN; UDP on 127.0.0.1, on a port
of the kernel's choosing, which it prints as "dns_server: listening on
127.0.0.1:PORT". gRPC resolvers reach it through the target's authority:
dns://127.0.0.1:PORT/NAME:GRPC_PORT. Runs until killed.
"""

import socket
import struct
import sys

TYPE_A = 1
CLASS_IN = 1
NXDOMAIN = 3


def parse_question(packet):
    """The query's (name, type, end of question) or None if malformed."""
    labels = []
    offset = 12
    while True:
        if offset >= len(packet):
            return None
        length = packet[offset]
        offset += 1
        if length == 0:
            break
        if length > 63 or offset + length > len(packet):
            return None  # compression or a truncated label: not in a query
        labels.append(packet[offset:offset + length].decode("ascii", "replace"))
        offset += length
    if offset + 4 > len(packet):
        return None
    qtype, _ = struct.unpack("!HH", packet[offset:offset + 4])
    return ".".join(labels).lower(), qtype, offset + 4


def answer(packet, name, addresses):
    question = parse_question(packet)
    if len(packet) < 12 or question is None:
        return None
    qname, qtype, end = question
    (query_id, flags) = struct.unpack("!HH", packet[:4])
    records = []
    rcode = 0
    if qname != name:
        rcode = NXDOMAIN
    elif qtype == TYPE_A:
        for address in addresses:
            # A pointer to the question's name (offset 12), type A, class IN,
            # TTL 0 so that a re-resolution asks again, 4 bytes of address.
            records.append(struct.pack("!HHHIH", 0xC00C, TYPE_A, CLASS_IN, 0, 4)
                           + socket.inet_aton(address))
    # QR, the query's opcode and RD, RA; the rcode.
    reply_flags = 0x8000 | (flags & 0x7900) | 0x0080 | rcode
    header = struct.pack("!HHHHHH", query_id, reply_flags, 1, len(records), 0, 0)
    return header + packet[12:end] + b"".join(records)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: dns_server.py NAME ADDRESS...")
    name = sys.argv[1].lower().rstrip(".")
    addresses = sys.argv[2:]
    for address in addresses:
        socket.inet_aton(address)  # fails early on a mistyped address
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    print("dns_server: listening on %s:%d" % server.getsockname(),
          file=sys.stderr, flush=True)
    while True:
        packet, peer = server.recvfrom(4096)
        reply = answer(packet, name, addresses)
        if reply is not None:
            server.sendto(reply, peer)


if __name__ == "__main__":
    main()
