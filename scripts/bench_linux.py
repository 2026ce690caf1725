#!/usr/bin/python3
"""The Linux rows of `make bench` (docs/performance.md, "Linux"): the same
afterburned kernel and initramfs with lx=bench (guests/linux/lxbench.c)
natively (its bzImage), pre-virtualized and trap-and-emulate (its vmlinux
under the hypervisor), QEMU TCG with -icount shift=0,sleep=off, so every
figure is instructions (guest, IPVMM and hypervisor alike) and repeats.

  bench_linux.py [--out DIR] [--timeout SEC] [--modes native,previrt,trap]

Writes DIR/results.csv (operation,mode,cost_per_op,entries_per_op), the
same header as the test OS's, DIR/results.md (the table with the ratios to
native) and DIR/logs/MODE.log. A mode whose run did not end with
"bench: done ... status=ok" is reported "not available" and left out; no
figure is made up. Exit status 0 when native and previrt are complete.
"""
import argparse, csv, os, re, subprocess, sys

LINUX = "build/linux/afterburn"
INITRD = "build/linux/initramfs.cpio.gz"
HV = "build/hypervisor.elf"
ARGS = "console=ttyS0 panic=-1 lx=bench"
BENCH_RE = re.compile(r"^(?:\[linux\] )?bench: op=(\S+) iters=(\d+) cycles=(\d+) cycles_per_op=\d+$")
DONE_RE = re.compile(r"^(?:\[linux\] )?bench: done ops=(\d+) status=(ok|failed)$")
HV_RE = re.compile(r"^hv: bench-entries guest=linux op=(\S+) iters=(\d+) entries=(\d+)")
MODES = ("native", "previrt", "trap")


def command(mode, timeout):
    run = ["scripts/run-qemu.sh", "--icount", "--timeout", str(timeout)]
    if mode == "native":
        return run + ["--kernel", f"{LINUX}/arch/x86/boot/bzImage", "--initrd", INITRD,
                      "--append", ARGS, "--mem", "128"]
    hv_args = "shutdown" + (" rewrite=trap" if mode == "trap" else "")
    mods = f"{LINUX}/vmlinux name=linux mem=128M -- {ARGS},{INITRD} initrd-for=linux"
    return run + ["--kernel", HV, "--append", hv_args, "--initrd", mods]


def run(mode, out, timeout):
    log = os.path.join(out, "logs", f"{mode}.log")
    with open(log, "w") as f:
        subprocess.run(command(mode, timeout), stdout=f, stderr=subprocess.STDOUT)
    rows, entries, done = {}, {}, None
    for line in open(log, errors="replace"):
        line = line.rstrip("\r\n").replace("\r", "")
        if m := BENCH_RE.match(line):
            rows[m.group(1)] = (int(m.group(2)), int(m.group(3)))
        elif m := HV_RE.match(line):
            entries[m.group(1)] = int(m.group(3)) / int(m.group(2))
        elif m := DONE_RE.match(line):
            done = m.group(2)
    if done != "ok":
        print(f"bench_linux: {mode}: not available (no 'bench: done ... status=ok', see {log})",
              file=sys.stderr)
        return None
    return {op: (c / n, entries.get(op, 0.0)) for op, (n, c) in rows.items()}


def table(results):
    ops = list(results["native"])
    head = "| operation | " + " | ".join(f"{m} (instr.)" for m in results) + \
        " | previrt / native | trap / native | entries per op (previrt) |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for op in ops:
        cells = [f"{results[m][op][0]:,.0f}" if op in results[m] else "-" for m in results]
        nat = results["native"][op][0]
        ratio = lambda m: (f"{results[m][op][0] / nat:.2f}x"
                           if m in results and op in results[m] else "-")
        ent = f"{results['previrt'][op][1]:.2f}" if "previrt" in results and op in results["previrt"] else "-"
        lines.append(f"| `{op}` | " + " | ".join(cells) + f" | {ratio('previrt')} | {ratio('trap')} | {ent} |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="build/bench/linux")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--modes", default=",".join(MODES))
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "logs"), exist_ok=True)
    results = {}
    for mode in a.modes.split(","):
        r = run(mode, a.out, a.timeout)
        if r:
            results[mode] = r
    if "native" not in results or "previrt" not in results:
        print("bench_linux: native and previrt are needed", file=sys.stderr)
        return 1
    with open(os.path.join(a.out, "results.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["operation", "mode", "cost_per_op", "entries_per_op"])
        for mode, rows in results.items():
            for op, (cost, ent) in rows.items():
                w.writerow([op, mode, f"{cost:.2f}", f"{ent:.5f}" if mode != "native" else "0"])
    md = table(results)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write("# Linux 6.1 under the hypervisor: instructions per operation (QEMU TCG -icount)\n\n")
        f.write(md)
    sys.stdout.write(md)
    return 0


sys.exit(main())
