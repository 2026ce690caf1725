#!/usr/bin/env python3
"""GDB's kill (k) through the per-guest stub (tests/gdbstub.mk,
test-guests-gdbstub-kill): the held guest is killed with a recorded
reason, a stop query then answers X09 (ended by a signal), and a request
that needs the guest E09; the other guest runs on.
"""
import os
import re
import socket
import sys

sock = socket.create_connection(("127.0.0.1", int(os.environ["STUB_PORT"])))
sock.settimeout(120)     # a bound for a dead stub, not a measurement
buf = b""


def frame(payload):
    return b"$" + payload + b"#%02x" % (sum(payload) & 0xff)


def reply():
    """Acks skipped, the next packet's payload (checksum verified)."""
    global buf
    while b"#" not in buf or len(buf) < buf.index(b"#") + 3:
        data = sock.recv(4096)
        if not data:
            sys.exit("stub-kill: the stub closed the connection")
        buf += data
    start = buf.index(b"$")
    end = buf.index(b"#", start)
    body, cs = buf[start + 1:end], buf[end + 1:end + 3]
    buf = buf[end + 3:]
    if int(cs, 16) != sum(body) & 0xff:
        sys.exit("stub-kill: bad checksum on %r" % body)
    sock.sendall(b"+")
    return body.decode()


def ask(payload, want):
    sock.sendall(frame(payload.encode()))
    got = reply()
    if not re.fullmatch(want, got):
        sys.exit("stub-kill: %s -> %r, wanted /%s/" % (payload, got, want))
    print("OK %s -> %s" % (payload, got))


ask("?", r"T05thread:1;")
sock.sendall(frame(b"k"))           # no reply to k
ask("?", r"X09")
ask("g", r"E09")
print("stub-kill: killed as documented")
