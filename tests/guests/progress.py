#!/usr/bin/env python3
"""How far a guest got under the hypervisor, against its native transcript.

  progress.py NAME HV_LOG NATIVE_LOG MIN

The guest's lines in HV_LOG are those prefixed "[NAME] " (the console
multiplexer's tag). Stripped of the prefix they must equal the native
transcript's lines from its first "testos: start", one for one, in order;
at least MIN of them must be there. A hypervisor panic fails; the guest's
stop must be a recorded "guest NAME killed: ..." or "guest NAME exited ...".
Prints how many lines matched and the last one.
"""
import sys

name, hv_log, native_log, need = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
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
got = [l[len(tag):] for l in hv if l.startswith(tag)]
bad = []
for i, l in enumerate(got):
    if i >= len(native) or l != native[i]:
        bad.append("guest line %d differs: %r, native %r" %
                   (i + 1, l, native[i] if i < len(native) else None))
        break
if len(got) < need:
    bad.append("only %d guest lines, at least %d expected" % (len(got), need))
if any("PANIC" in l for l in hv):
    bad.append("hypervisor panic")
stops = [l for l in hv if l.startswith("guest %s killed: " % name) or
         l.startswith("guest %s exited with status " % name)]
if len(stops) != 1:
    bad.append("%d recorded stops of guest %s, expected 1" % (len(stops), name))
if bad:
    print("progress.py: " + "; ".join(bad))
    sys.exit(1)
print("progress: %s matched the native transcript for %d lines (last %r); stop: %s" %
      (name, len(got), got[-1] if got else None, stops[0]))
