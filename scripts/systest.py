#!/usr/bin/env python3
"""Run one system test: boot something, capture its serial transcript and
check it, in the manner of the xv6/JOS grading scripts.

  systest.py --name NAME [--timeout S] [--max S] [--expect RE]... [--reject RE]...
             [--ordered] [--exit N] [--send RE::TEXT]... -- COMMAND ARGS...

--timeout is a silence limit, not a wall-clock budget: the test fails only
when the command prints nothing for S seconds (a hung guest), however long
a slow host takes while the guest keeps making progress. --max (default
8 x S) is the backstop for a guest that prints forever. The command's own
runners see SYSTEST_WATCH=1 and stretch their time limits to that backstop
(scripts/run-qemu.sh, run-bochs.sh). The transcript goes to
build/test-logs/NAME.log. Every --expect must match
some line (with --ordered, in the given order); no --reject may match any
line. --exit checks the command's exit status. On failure the reasons and the
tail of the transcript are printed and the exit status is 1; the log stays.
--send types TEXT (Python escapes: \\x1d is Ctrl-]) on the command's
standard input (QEMU's serial port) once a line matching RE has appeared;
several are sent in the given order, each after its own line.
"""
import argparse, codecs, os, re, signal, subprocess, sys, threading, time

def kill_session(sid):
    """SIGKILL every process of session sid. killpg is not enough:
    timeout(1) (scripts/run-*.sh) runs its command in a process group of
    its own, which then outlived a stalled test (a stuck Bochs for 8x its
    timeout). Processes that made sessions of their own (script(1)'s child)
    get SIGHUP when their pty's master dies with it."""
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
            if int(st[st.rindex(")") + 2:].split()[3]) == sid:
                os.kill(int(d), signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass

def typist(p, sends):
    """Called with the output so far: type the next --send's text once its
    line is there (the search starts after the previous one's match)."""
    state = {"at": 0}
    def check(text):
        while sends:
            m = re.compile(sends[0][0], re.M).search(text, state["at"])
            if not m:
                return
            state["at"] = m.end()
            try:
                p.stdin.write(sends.pop(0)[1])
                p.stdin.flush()
            except OSError:
                return
    return check

def run_watched(cmd, silence, backstop, sends=()):
    """Run cmd, collecting its output; kill its process group when it is
    silent for `silence` seconds or runs past `backstop`. Returns
    (output bytes, exit status or a string saying why it was stopped)."""
    env = dict(os.environ, SYSTEST_WATCH="1")
    sends = list(sends)
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE if sends else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                         start_new_session=True)
    chunks, last = [], [time.time()]
    check = typist(p, sends) if sends else None
    def reader():
        for chunk in iter(lambda: p.stdout.read1(4096), b""):
            chunks.append(chunk)
            last[0] = time.time()
            if check:
                check(b"".join(chunks).decode("utf-8", "replace").replace("\r", ""))
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    t0, why = time.time(), None
    while p.poll() is None:
        now = time.time()
        if now - last[0] > silence:
            why = f"no output for {silence:.0f}s (stalled)"
        elif now - t0 > backstop:
            why = f"still running after {backstop:.0f}s"
        if why:
            kill_session(p.pid)      # start_new_session: its sid is p.pid
            p.wait()
            break
        time.sleep(0.2)
    t.join(5)
    return b"".join(chunks), why or p.returncode

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--max", type=float, default=None)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--reject", action="append", default=[])
    ap.add_argument("--ordered", action="store_true")
    ap.add_argument("--exit", type=int, default=None)
    ap.add_argument("--send", action="append", default=[], metavar="RE::TEXT")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    sends = []
    for s in a.send:
        if "::" not in s:
            ap.error(f"--send {s!r}: want RE::TEXT")
        pat, text = s.split("::", 1)
        sends.append((pat, codecs.decode(text, "unicode_escape").encode("latin-1")))
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    os.makedirs("build/test-logs", exist_ok=True)
    log = f"build/test-logs/{a.name}.log"
    t0 = time.time()
    out, rc = run_watched(cmd, a.timeout, a.max or 8 * a.timeout, sends)
    text = out.decode("utf-8", "replace").replace("\r", "")
    with open(log, "w") as f:
        f.write(text)
    lines = text.split("\n")
    errors = []
    if isinstance(rc, str):
        errors.append(rc)
    elif a.exit is not None and rc != a.exit:
        errors.append(f"exit status {rc}, expected {a.exit}")
    pos = 0
    for pat in a.expect:
        r = re.compile(pat)
        idx = next((i for i in range(pos if a.ordered else 0, len(lines)) if r.search(lines[i])), None)
        if idx is None:
            errors.append(f"missing{' (in order)' if a.ordered else ''}: /{pat}/")
        elif a.ordered:
            pos = idx + 1
    for pat in a.reject:
        r = re.compile(pat)
        hit = next((l for l in lines if r.search(l)), None)
        if hit is not None:
            errors.append(f"unwanted /{pat}/: {hit.strip()}")
    dt = time.time() - t0
    if errors:
        print(f"FAIL {a.name} ({dt:.1f}s), transcript {log}")
        for e in errors:
            print(f"  {e}")
        print("  --- last lines ---")
        for l in lines[-25:]:
            print(f"  | {l}")
        return 1
    print(f"PASS {a.name} ({dt:.1f}s, {len(a.expect)} expectations)")
    return 0

if __name__ == "__main__":
    sys.exit(main())
