#!/usr/bin/env python3
"""Run afterburn-verify on a vmlinux and accept its uncovered sites only if
each is on the documented list (guests/linux/uncovered.txt, explained in
docs/linux.md); every bad record is a failure.

  check-verify.py [--expect-fail] ALLOW VERIFY ELF

Prints the verifier's per-class table and a line for every uncovered site
(allowed or not). Exit status 0 when the ELF passes, 1 when it does not;
--expect-fail inverts that, the negative control that a kernel built
without the afterburner is rejected.
"""
import re, subprocess, sys

# "uncovered CLASS at SECTION+0xOFF (0xADDR <SYMBOL+0xOFF>): MNEMONIC OPS"
UNCOVERED = re.compile(r"^uncovered (\S+) at ([^+\s]+)\+0x[0-9a-f]+ "
                       r"\(0x[0-9a-f]+(?: <([^+>]+)\+0x[0-9a-f]+>)?\): (\S+)")
SUMMARY = re.compile(r": (\d+) records, (\d+) covered, (\d+) uncovered, "
                     r"(\d+) bad records")


def load_allow(path):
    """Rows "CLASS SECTION SYMBOL MNEMONIC MAX"; SYMBOL - matches any."""
    rows = []
    for n, line in enumerate(open(path), 1):
        line = line.split("#", 1)[0].split()
        if not line:
            continue
        if len(line) != 5 or not line[4].isdigit():
            sys.exit(f"{path}:{n}: want CLASS SECTION SYMBOL MNEMONIC MAX")
        rows.append({"key": tuple(line[:4]), "max": int(line[4]), "seen": 0,
                     "where": f"{path}:{n}"})
    return rows


def allowed(rows, cls, sec, sym, mnem):
    for r in rows:
        c, s, y, m = r["key"]
        if (c, s, m) == (cls, sec, mnem) and y in ("-", sym):
            r["seen"] += 1
            return r
    return None


def main():
    args = sys.argv[1:]
    expect_fail = bool(args) and args[0] == "--expect-fail"
    if expect_fail:
        args = args[1:]
    if len(args) != 3:
        sys.exit(__doc__)
    allow_path, verify, elf = args
    rows = load_allow(allow_path)
    p = subprocess.run([verify, elf], stdout=subprocess.PIPE, text=True)
    if p.returncode not in (0, 1):
        print(p.stdout, end="")
        sys.exit(f"check-verify: {verify} failed with status {p.returncode}")
    errors = []
    summary = None
    parsed = 0
    for line in p.stdout.splitlines():
        m = UNCOVERED.match(line)
        if m:
            parsed += 1
            cls, sec, sym, mnem = m.group(1), m.group(2), m.group(3) or "-", m.group(4)
            r = allowed(rows, cls, sec, sym, mnem)
            if r is None:
                errors.append(f"not on the list: {line}")
            elif not expect_fail:
                print(f"allowed ({r['where']}): {line}")
            continue
        if line.startswith("bad record"):
            errors.append(line)
            continue
        s = SUMMARY.search(line)
        if s:
            summary = [int(x) for x in s.groups()]
        if not line.startswith("uncovered"):
            print(line)
    if summary is None:
        errors.append("no summary line from the verifier")
    elif summary[1] == 0:
        errors.append("no covered sites: not an afterburned kernel")
    elif summary[2] != parsed:
        # A changed message format must not let uncovered sites slip by.
        errors.append(f"verifier reports {summary[2]} uncovered, "
                      f"{parsed} understood")
    for r in rows:
        if r["seen"] > r["max"]:
            errors.append(f"{r['where']}: {r['seen']} sites of {' '.join(r['key'])}, "
                          f"at most {r['max']} allowed")
    if expect_fail:
        if errors:
            print(f"check-verify: {elf} rejected as expected ({len(errors)} problems, "
                  f"e.g. {errors[0][:100]})")
            return 0
        print(f"check-verify: {elf} passed, but it should have failed")
        return 1
    for e in errors:
        print(f"check-verify: {e}")
    if errors:
        print(f"check-verify: {elf}: FAIL")
    else:
        print(f"check-verify: {elf}: OK, {summary[1]} covered, "
              f"{sum(r['seen'] for r in rows)} uncovered and all documented")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
