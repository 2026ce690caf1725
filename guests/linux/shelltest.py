#!/usr/bin/env python3
"""Drive the Linux guest's interactive shell (lx=shell) over the serial line.

  shelltest.py --name NAME [--silence S] -- COMMAND ARGS...

COMMAND boots the guest with the serial console on its standard input and
output (scripts/run-qemu.sh --interactive). The script waits for the
prompt, runs a command, interrupts a foreground job with Ctrl-C (the shell
must have the console as its controlling tty, with SIGINT not ignored),
checks its status (130), and ends the VM with the shell's poweroff, whose
exit status must be 0. Every wait is on the guest's output: a step fails
when the guest stays silent for S seconds (default 60) without printing
what it waits for, never on the time a slow host takes. The transcript
goes to build/test-logs/NAME.log.
"""
import argparse, os, re, subprocess, sys, threading, time

PROMPT = "lx# "


class Guest:
    def __init__(self, cmd, silence, guest=None):
        # Under the hypervisor a guest's console lines start "[NAME] ":
        # matched against the lines without it, as they are natively.
        self.prefix = re.compile(r"(?m)^\[%s\] " % re.escape(guest)) if guest else None
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT,
                                  start_new_session=True)
        self.silence = silence
        self.buf = ""
        self.pos = 0
        self.last = time.time()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for chunk in iter(lambda: self.p.stdout.read1(4096), b""):
            with self.lock:
                self.buf += chunk.decode("utf-8", "replace").replace("\r", "")
                self.last = time.time()

    def expect(self, pattern, what):
        """Wait for pattern after the last match; fail on silence."""
        r = re.compile(pattern, re.M)
        while True:
            with self.lock:
                m = r.search(self.text(), self.pos)
                if m:
                    self.pos = m.end()
                    return m
                quiet = time.time() - self.last
            if self.p.poll() is not None and quiet > 1:
                raise AssertionError(f"{what}: the guest ended first")
            if quiet > self.silence:
                raise AssertionError(f"{what}: silent for {self.silence:.0f}s "
                                     f"without /{pattern}/")
            time.sleep(0.1)

    def text(self):
        """The transcript so far, without the guest prefix (caller holds lock)."""
        return self.prefix.sub("", self.buf) if self.prefix else self.buf

    def send(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()


def session(g):
    g.expect(r"^lx: busybox shell", "the shell banner")
    g.expect(re.escape(PROMPT), "the first prompt")
    g.send("echo shell-$((6 * 7)); tty\n")
    g.expect(r"^shell-42$", "arithmetic and echo")
    g.expect(r"^/dev/ttyS0$", "the controlling tty")
    g.expect(re.escape(PROMPT), "the prompt after tty")
    g.send("ls /proc | grep -c '^self$'; ps | grep -c '\\[kthreadd\\]'\n")
    g.expect(r"^1\n1$", "ls /proc and ps (kthreadd listed)")
    g.expect(re.escape(PROMPT), "the prompt after ps")
    g.send("grep -cE '^ +0: +[0-9]+ +XT-PIC +timer' /proc/interrupts\n")
    g.expect(r"^1$", "/proc/interrupts: IRQ 0 on the 8259")
    g.expect(re.escape(PROMPT), "the prompt after /proc/interrupts")
    # "started" comes from the job itself, already in the foreground
    # process group, so Ctrl-C after it reaches the job, not the shell.
    g.send("sh -c 'echo started; exec sleep 1000'\n")
    g.expect(r"^started$", "the foreground job")
    g.send("\x03")
    g.expect(re.escape(PROMPT), "the prompt after Ctrl-C")
    g.send("echo status $?\n")
    g.expect(r"^status 130$", "the interrupted job's status (SIGINT)")
    g.expect(re.escape(PROMPT), "the prompt after the status")
    g.send("poweroff\n")
    g.expect(r"^lx: powering off$", "poweroff")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--silence", type=float, default=60)
    ap.add_argument("--guest", help="the guest's name: its lines start [NAME] (under the hypervisor)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    os.makedirs("build/test-logs", exist_ok=True)
    log = f"build/test-logs/{a.name}.log"
    t0 = time.time()
    g = Guest(cmd, a.silence, a.guest)
    error = None
    try:
        session(g)
        while g.p.poll() is None and time.time() - g.last < a.silence:
            time.sleep(0.1)
        rc = g.p.poll()
        if rc != 0:
            error = f"exit status {rc}, expected 0"
    except AssertionError as e:
        error = str(e)
    finally:
        if g.p.poll() is None:
            os.killpg(g.p.pid, 9)
            g.p.wait()
    with g.lock:
        text = g.buf
    with open(log, "w") as f:
        f.write(text)
    dt = time.time() - t0
    if error:
        print(f"FAIL {a.name} ({dt:.1f}s), transcript {log}\n  {error}")
        for line in text.split("\n")[-20:]:
            print(f"  | {line}")
        return 1
    print(f"PASS {a.name} ({dt:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
