#!/usr/bin/env python3
"""Bridge Bochs's COM2 to GDB (scripts/gdb-guest.sh --bochs).

Bochs's serial socket modes either wait at start-up for a client
(socket-server) or connect once at start-up (socket-client); GDB connects
only when the stub is up. So: listen on BOCHS_PORT (Bochs, configured
socket-client, connects at once), then on GDB_PORT (GDB connects later),
and copy bytes both ways. Bytes Bochs sends before GDB is there are kept.

    relay.py BOCHS_PORT GDB_PORT     prints "relay: listening" when ready
"""
import select
import socket
import sys


def listener(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(1)
    return s


def main():
    bl, gl = listener(int(sys.argv[1])), listener(int(sys.argv[2]))
    print("relay: listening", flush=True)
    bochs, _ = bl.accept()
    pending = b""
    gdb = None
    while True:
        socks = [bochs] + ([gdb] if gdb else [gl])
        ready, _, _ = select.select(socks, [], [])
        if gl in ready and gdb is None:
            gdb, _ = gl.accept()
            if pending:
                gdb.sendall(pending)
                pending = b""
        if bochs in ready:
            data = bochs.recv(4096)
            if not data:
                return
            if gdb:
                gdb.sendall(data)
            else:
                pending += data
        if gdb and gdb in ready:
            data = gdb.recv(4096)
            if not data:       # GDB left: wait for the next one
                gdb.close()
                gdb = None
                continue
            bochs.sendall(data)


if __name__ == "__main__":
    main()
