#!/usr/bin/env python3
"""How far a guest got under the hypervisor, against its native transcript.

  progress.py NAME HV_LOG NATIVE_LOG MIN|all [DIVERGE_RE]

The guest's lines in HV_LOG are those prefixed "[NAME] " (the console
multiplexer's tag). Stripped of the prefix they must equal the native
transcript's lines from its first "testos: start", one for one, in order;
at least MIN of them must be there. With DIVERGE_RE the run is known to
part from the native one: exactly MIN lines match, and the first line that
differs must match DIVERGE_RE (a regular expression; what follows it is
the guest's own ending and is not compared). A hypervisor panic fails; the
guest's stop must be a recorded "guest NAME killed: ..." or "guest NAME
exited ...". Prints how many lines matched and the last one. MIN "all" is
the differential test: the guest's transcript equals the native one, line
for line, no line missing and none added.
"""
import re, sys

name, hv_log, native_log, need = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
diverge = re.compile(sys.argv[5]) if len(sys.argv) > 5 else None
tag = "[%s] " % name


def lines(path):
    with open(path, errors="replace") as f:
        return [l.rstrip("\r\n") for l in f]


hv = lines(hv_log)
native = lines(native_log)
starts = [i for i, l in enumerate(native) if l.startswith("testos: start")]
if not starts:
    sys.exit("progress.py: no 'testos: start' in the native transcript %s" % native_log)
native = native[starts[0]:]
# The native run's own tail (QEMU's exit message) is not the guest's.
native = [l for l in native if not l.startswith(("qemu-system-", "run-qemu:"))]
everything = need == "all"
need = len(native) if everything else int(need)
got = [l[len(tag):] for l in hv if l.startswith(tag)]
bad = []
matched = 0
while matched < len(got) and matched < len(native) and got[matched] == native[matched]:
    matched += 1
if diverge:
    if matched != need:
        bad.append("%d guest lines match the native transcript, exactly %d expected before "
                   "the known divergence" % (matched, need))
    elif matched >= len(got) or not diverge.search(got[matched]):
        bad.append("guest line %d is %r, expected to match %r" %
                   (matched + 1, got[matched] if matched < len(got) else None, diverge.pattern))
    got = got[:matched + 1]
elif matched < len(got):
    bad.append("guest line %d differs: %r, native %r" %
               (matched + 1, got[matched], native[matched] if matched < len(native) else None))
if everything and len(got) != len(native):
    bad.append("the guest printed %d lines, the native run %d" % (len(got), len(native)))
if matched < need:
    bad.append("only %d guest lines match, at least %d expected" % (matched, need))
if any("PANIC" in l for l in hv):
    bad.append("hypervisor panic")
stops = [l for l in hv if l.startswith("guest %s killed: " % name) or
         l.startswith("guest %s exited with status " % name)]
if len(stops) != 1:
    bad.append("%d recorded stops of guest %s, expected 1" % (len(stops), name))
if bad:
    print("progress.py: " + "; ".join(bad))
    sys.exit(1)
print("progress: %s matched the native transcript for %d lines (last %r)%s; stop: %s" %
      (name, matched, got[matched - 1] if matched else None,
       ", then %r" % got[matched] if diverge else "", stops[0]))
