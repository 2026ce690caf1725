#!/usr/bin/env python3
"""Compare the Linux guest's workload transcripts line for line.

  lxcompare.py [--drop RE]... LEFT RIGHT

LEFT and RIGHT are serial transcripts (build/test-logs/linux-*.log) or an
expected file (guests/linux/workload.expected). From each, only the
workload's own lines are kept: those starting with "lx: " or "lxtest: "
(the kernel's boot messages differ between machines and kernels). Then:

- "lx: time: ..." lines are dropped (they measure, they do not check), and
  so is every line matching a --drop expression;
- a kernel release such as 6.1.192-plain or 6.1.192-afterburn becomes
  6.1.N-VARIANT, so two variants (or two Debian updates) compare equal.

Lines in an expected file that do not start with "lx: " or "lxtest: "
(comments) are ignored the same way. A line's "[NAME] " prefix (a guest's
console line under the hypervisor) is removed first. Exit status 0 when both sides give
the same lines in the same order and at least one, 1 with a diff
otherwise. Used natively (plain against afterburn, each against the
expected file, tests/linux.mk) and for native against virtualized.
"""
import argparse, difflib, re, sys

KEEP = re.compile(r"^(lx|lxtest): ")
# Under the hypervisor a guest's console lines carry "[NAME] ": removed, so
# a virtualized transcript compares with a native one.
GUEST_PREFIX = re.compile(r"^\[[A-Za-z0-9._-]+\] ")
TIME = re.compile(r"^lx: time: ")
RELEASE = re.compile(r"\b(\d+\.\d+)\.\d+-(plain|afterburn)\b")


def workload_lines(path, drops):
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = GUEST_PREFIX.sub("", line.rstrip("\r\n").replace("\r", ""), count=1)
            if not KEEP.match(line) or TIME.match(line):
                continue
            if any(d.search(line) for d in drops):
                continue
            out.append(RELEASE.sub(r"\1.N-VARIANT", line))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--drop", action="append", default=[],
                    help="also drop lines matching this expression")
    ap.add_argument("left")
    ap.add_argument("right")
    a = ap.parse_args()
    drops = [re.compile(d) for d in a.drop]
    left = workload_lines(a.left, drops)
    right = workload_lines(a.right, drops)
    if not left or not right:
        print(f"lxcompare: no workload lines in "
              f"{a.left if not left else a.right}")
        return 1
    if left == right:
        print(f"lxcompare: {a.left} and {a.right}: the same {len(left)} lines")
        return 0
    print(f"lxcompare: {a.left} and {a.right} differ:")
    sys.stdout.writelines(l + "\n" for l in difflib.unified_diff(
        left, right, a.left, a.right, lineterm="", n=2))
    return 1


if __name__ == "__main__":
    sys.exit(main())
