#!/usr/bin/env python3
"""Instruction profile of one bench loop (docs/debugging.md, "Profiling a
fast path").

  scripts/tbprof.py --after 'op=cr3_reload' --per vtlb_invlpg [--window 0.3]

Boots the hypervisor with the test OS in bench mode under QEMU TCG with
-singlestep (one instruction per translation block, so every logged
block is one executed instruction) and icount; when the serial output
shows the --after text, switches QEMU's `exec,nochain` log on for
--window seconds (wall clock: only how long a sample is, never a result),
then ranks the executed instructions by function (hypervisor, IPVMM and
test OS symbols). --per SYMBOL divides by the number of times SYMBOL's
first instruction ran, giving instructions per operation.
"""
import argparse, bisect, os, re, socket, subprocess, sys, tempfile, time
from collections import Counter


def symbols(elves):
    out = []
    for elf in elves:
        nm = subprocess.run(["i686-linux-gnu-nm", "-n", elf], capture_output=True, text=True).stdout
        for line in nm.splitlines():
            f = line.split()
            if len(f) == 3 and f[1] in "tTwW":
                out.append((int(f[0], 16), f[2]))
    out.sort()
    return out


def monitor(path, cmd):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.sendall((cmd + "\n").encode())
    time.sleep(0.05)
    s.close()


def annotate(a, syms, pcs, div):
    """objdump of one function with each instruction's count per operation."""
    for lo, name in syms:
        if name != a.annotate:
            continue
        hi = next((s for s, _ in syms if s > lo), lo + 4096)
        for elf in (a.hv, a.guest):
            dis = subprocess.run(["i686-linux-gnu-objdump", "-d", "--no-show-raw-insn",
                                  f"--start-address={lo}", f"--stop-address={hi}", elf],
                                 capture_output=True, text=True).stdout
            for line in dis.splitlines():
                m = re.match(r"^\s*([0-9a-f]+):\s*(.*)$", line)
                if m:
                    n = pcs.get(int(m.group(1), 16), 0)
                    print(f"{n / div:8.1f}  {m.group(1)}  {m.group(2)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--after", required=True, help="serial text that starts the sample")
    ap.add_argument("--per", help="symbol whose entry count is the number of operations")
    ap.add_argument("--window", type=float, default=0.3, help="sample length in seconds")
    ap.add_argument("--delay", type=float, default=0.2, help="seconds between the text and the sample")
    ap.add_argument("--hv", default="build/hypervisor.elf")
    ap.add_argument("--guest", default="build/guests/testos.elf")
    ap.add_argument("--guest-args", default="name=testos bench",
                    help="the guest module's words; more modules after a comma, as -initrd takes them")
    ap.add_argument("--mem", default="256")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--annotate", help="also list this function's instructions with their counts")
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="tbprof.")
    ser, mon, log = (os.path.join(tmp, n) for n in ("serial.log", "mon.sock", "exec.log"))
    q = subprocess.Popen(["qemu-system-i386", "-m", a.mem, "-display", "none", "-no-reboot",
                          "-serial", "file:" + ser, "-monitor", f"unix:{mon},server,nowait",
                          "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
                          "-icount", "shift=0,sleep=off", "-singlestep",
                          "-kernel", a.hv, "-append", "shutdown",
                          "-initrd", f"{a.guest} {a.guest_args}", "-D", log],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 600
        while time.time() < deadline and q.poll() is None:
            if os.path.exists(ser) and a.after in open(ser, errors="replace").read():
                break
            time.sleep(0.05)
        else:
            sys.exit(f"tbprof: '{a.after}' never appeared in {ser}")
        time.sleep(a.delay)
        monitor(mon, "log exec,nochain")
        time.sleep(a.window)
        monitor(mon, "log none")
    finally:
        q.kill()
        q.wait()

    pcs = Counter()
    pat = re.compile(r"^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")
    with open(log, errors="replace") as f:
        for line in f:
            m = pat.match(line)
            if m:
                pcs[int(m.group(1), 16)] += 1
    syms = symbols([a.hv, a.guest])
    addrs = [s[0] for s in syms]
    by = Counter()
    for pc, n in pcs.items():
        i = bisect.bisect_right(addrs, pc) - 1
        by[syms[i][1] if i >= 0 else "?"] += n
    total = sum(pcs.values())
    ops = 0
    if a.per:
        starts = [s[0] for s in syms if s[1] == a.per]
        ops = sum(pcs[s] for s in starts)
    div = ops or 1
    print(f"tbprof: {total} instructions sampled; {a.per or 'ops'}: {ops}")
    # Entries: executions of a function's first instruction (its calls,
    # or the jumps to its label).
    first = {s[1]: s[0] for s in syms}
    print(f"{'instr/op' if ops else 'instr':>10} {'entries':>8}  function")
    for name, n in by.most_common(a.top):
        print(f"{n / div:10.1f} {pcs[first[name]] / div if name in first else 0:8.2f}  {name}")
    if ops:
        print(f"{total / div:10.1f}  total per operation")
    if a.annotate:
        annotate(a, syms, pcs, div)
    os.unlink(log)


if __name__ == "__main__":
    main()
