#!/usr/bin/env python3
"""A raw remote-protocol client against the hypervisor's per-guest stub
(tests/gdbstub.mk, test-guests-gdbstub-malformed; scripts/gdb-guest.sh
--client runs it with STUB_PORT set). Bad checksums, an overlong packet,
unknown commands, addresses outside the guest, writes into the IPVMM and
the hole, bad registers and fields: each must get the protocol's answer
(docs/debugging.md, "The per-guest stub"), then a good read, continue,
Ctrl-C and detach must still work. Prints one line per exchange; exits 1
at the first wrong answer.
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


def read_byte():
    global buf
    while not buf:
        data = sock.recv(4096)
        if not data:
            sys.exit("stub-malformed: the stub closed the connection")
        buf += data
    c, buf = buf[:1], buf[1:]
    return c


def read_packet():
    """The next $...#cs, its checksum verified; acked with '+'."""
    while read_byte() != b"$":
        pass
    body = b""
    while (c := read_byte()) != b"#":
        body += c
    cs = read_byte() + read_byte()
    if int(cs, 16) != sum(body) & 0xff:
        sys.exit("stub-malformed: reply with a bad checksum: %r" % body)
    sock.sendall(b"+")
    return body.decode("latin-1")


def expect(what, raw, ack, reply_re):
    """Send raw bytes; want the ack byte (or none) and a reply matching."""
    sock.sendall(raw)
    if ack is not None:
        got = read_byte()
        if got != ack:
            sys.exit("stub-malformed: %s: ack %r, wanted %r" % (what, got, ack))
    reply = read_packet() if reply_re is not None else ""
    if reply_re is not None and not re.fullmatch(reply_re, reply):
        sys.exit("stub-malformed: %s: reply %r, wanted /%s/" % (what, reply, reply_re))
    print("OK %s -> %s" % (what, reply if reply_re is not None else ack.decode()))
    return reply


def cmd(what, payload, reply_re):
    return expect(what, frame(payload.encode("latin-1")), b"+", reply_re)


cmd("halt reason (held by gdbwait)", "?", r"T05thread:1;")
expect("bad checksum", b"$g#00", b"-", None)
expect("bad checksum digits", b"$g#zz", b"-", None)
long = b"m" * 2000
expect("overlong packet (2000 bytes)", frame(long), b"+", r"E03")
cmd("unknown command", "vFooBar", r"")
cmd("unknown query", "qFooBar", r"")
cmd("hardware breakpoint (not offered)", "Z1,100000,1", r"")
regs = cmd("registers", "g", r"[0-9a-f]{128}")
eip = int.from_bytes(bytes.fromhex(regs[64:72]), "little")
cmd("read at eip %08x" % eip, "m%x,4" % eip, r"[0-9a-f]{8}")
cmd("read the IPVMM text", "mfc000000,4", r"E0e")
cmd("read the IPVMM data window", "mfc800000,4", r"E0e")
cmd("read the hypervisor (the hole)", "mfd100000,4", r"E0e")
cmd("write the IPVMM data window", "Mfc800000,1:00", r"E0e")
cmd("write the hypervisor (the hole)", "Mfd100000,4:00000000", r"E0e")
cmd("read beyond the guest's mappings", "mf0000000,4", r"E0e")
cmd("read wrapping past 4 GiB", "mffffffff,2", r"E0e")
cmd("read a range that ends in the hole", "mfbffffff,2", r"E0e")
cmd("breakpoint in the hole", "Z0,fd100000,1", r"E0e")
cmd("read too long (501 bytes)", "m%x,1f5" % eip, r"E03")
cmd("register 16", "p10", r"E02")
cmd("register write without a value", "P0=1", r"E01")
cmd("17 registers", "G" + "0" * 8 * 17, r"E03")
cmd("a selector the guest did not load", "P%x=%s" % (10, "10000000"), r"E02")
cmd("breakpoint address not hex", "Z0,zz,1", r"E01")
cmd("monitor text not hex", "qRcmd,zz", r"E01")
cmd("memory length not hex", "m100,", r"E01")
cmd("address of nine digits", "m123456789,4", r"E01")
cmd("registers again (unchanged)", "g", re.escape(regs))
# Running again: Ctrl-C stops it with SIGINT; then detach lets it finish.
sock.sendall(frame(b"c"))
if read_byte() != b"+":
    sys.exit("stub-malformed: continue not acked")
print("OK continue (no reply while it runs)")
expect("Ctrl-C", b"\x03", None, r"T02thread:1;")
cmd("detach", "D", r"OK")
sock.close()
print("stub-malformed: all answers as documented")
