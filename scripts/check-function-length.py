#!/usr/bin/env python3
"""Functions a reader can hold: list C function definitions longer than
the limit (80 lines, counted from the line of the opening brace to the
line of the closing one) and fail if any is not in the allowlist.

The scan is a plain brace match, not a C parser: comments, string and
character literals and preprocessor lines are blanked first (newlines
kept), then every '{' at file scope whose preceding text ends in ')' opens
a function; its name is the identifier before that parameter list
(attributes after the list are skipped). For flex sources (*.l) only the
C sections are scanned: %{ ... %} and the user code after the second %%.

  check-function-length.py [--max N] [--allow FILE] [--top K] PATH...

PATH is a file or a directory (searched for *.c, *.h, *.l). The allowlist
holds lines "path:function  # why (issue)"; an entry whose function is no
longer too long is reported as stale (a warning, so the change that
shortens it does not fail for a line it did not know about).
"""
import argparse
import os
import re
import sys

EXTS = (".c", ".h", ".l")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")


def blank(text):
    """Comments, literals and preprocessor lines -> spaces (newlines kept)."""
    out = []
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c in " \t":
            out.append(c)
            i += 1
            continue
        if line_start and c == "#":
            # A directive, with its backslash continuations.
            while i < n:
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append(" \n")
                    i += 2
                    continue
                if text[i] == "\n":
                    break
                out.append(" ")
                i += 1
            continue
        line_start = False
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
            continue
        if c == "\n":
            line_start = True
        out.append(c)
        i += 1
    return "".join(out)


def flex_c_sections(text):
    """Keep only the C parts of a flex file; other lines become empty."""
    lines = text.split("\n")
    keep = []
    state = "defs"
    for ln in lines:
        s = ln.rstrip()
        if state == "defs":
            if s == "%{":
                state = "code"
                keep.append("")
            elif s == "%%":
                state = "rules"
                keep.append("")
            else:
                keep.append("")
        elif state == "code":
            if s == "%}":
                state = "defs"
                keep.append("")
            else:
                keep.append(ln)
        elif state == "rules":
            keep.append("")
            if s == "%%":
                state = "user"
        else:
            keep.append(ln)
    return "\n".join(keep)


def function_name(code, brace):
    """The name of the function whose body opens at code[brace], or None."""
    j = brace - 1
    while True:
        while j >= 0 and code[j].isspace():
            j -= 1
        if j < 0 or code[j] != ")":
            return None
        # Back over the balanced parenthesized group.
        depth = 0
        while j >= 0:
            if code[j] == ")":
                depth += 1
            elif code[j] == "(":
                depth -= 1
                if depth == 0:
                    break
            j -= 1
        if j < 0:
            return None
        k = j - 1
        while k >= 0 and code[k].isspace():
            k -= 1
        m = IDENT.search(code[max(0, k - 200):k + 1])
        if not m:
            return None
        name = m.group(0)
        if name in ("__attribute__", "__attribute"):
            j = k - len(name)
            continue
        if name in ("if", "for", "while", "switch", "return", "sizeof"):
            return None
        # An initializer or a declaration's '=' between here and the
        # previous statement means this is no function.
        start = max(code.rfind(";", 0, k), code.rfind("}", 0, k))
        if "=" in code[start + 1:k]:
            return None
        return name


def functions(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if path.endswith(".l"):
        text = flex_c_sections(text)
    code = blank(text)
    depth = 0
    opened = None
    for i, c in enumerate(code):
        if c == "{":
            if depth == 0:
                name = function_name(code, i)
                opened = (name, i) if name else None
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                depth = 0
            if depth == 0 and opened:
                name, start = opened
                first = code.count("\n", 0, start) + 1
                last = code.count("\n", 0, i) + 1
                yield name, first, last - first + 1
                opened = None


def sources(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for fn in sorted(files):
                    if fn.endswith(EXTS):
                        yield os.path.join(root, fn)
        else:
            yield p


def read_allow(path):
    allow = {}
    if not path:
        return allow
    with open(path) as f:
        for n, ln in enumerate(f, 1):
            entry = ln.split("#", 1)[0].strip()
            if entry:
                allow[entry] = n
    return allow


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max", type=int, default=80)
    ap.add_argument("--allow")
    ap.add_argument("--top", type=int, default=0,
                    help="also list the K longest functions")
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()

    allow = read_allow(a.allow)
    found = []
    for path in sources(a.paths):
        for name, line, length in functions(path):
            found.append((length, path, line, name))
    found.sort(key=lambda f: (-f[0], f[1], f[2]))

    if a.top:
        print(f"the {a.top} longest functions (lines, brace to brace):")
        for length, path, line, name in found[:a.top]:
            print(f"  {length:4d}  {path}:{line} {name}")

    bad = 0
    long_keys = set()
    for length, path, line, name in found:
        if length <= a.max:
            continue
        key = f"{path}:{name}"
        long_keys.add(key)
        if key in allow:
            print(f"{path}:{line}: {name}: {length} lines (allowlisted)")
        else:
            print(f"{path}:{line}: {name}: {length} lines, over {a.max}")
            bad += 1
    for key, n in allow.items():
        if key not in long_keys:
            print(f"warning: {a.allow}:{n}: {key} is not over {a.max} lines "
                  "(stale entry: remove it)")
    print(f"{len(found)} functions, {bad} over {a.max} lines"
          f" ({len(long_keys) - bad} allowlisted)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
