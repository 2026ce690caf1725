#!/usr/bin/env python3
"""Fail when a document names a repository path that does not exist.

Usage: scripts/check-docs.py [--root DIR] FILE...

A path is a word whose first component is a top-level entry of the
repository (kernel/, ipvmm/, tests/, Makefile, ...) followed by at least one
more component, a NAME.md page (looked up beside the document, in docs/
and at the top), or a bare source file name (loader.c, burn.asm), which
must be some file's name in the tree (not checked in ``` examples). A
reference `page.md`, "Section" must name a heading of that page. Shell-style patterns (ipvmm/*.h, ipvmm/rewrite.[ch],
guests/{testos,linux}) must match at least one path. Words with a
placeholder component (guests/NAME/build.mk), outputs under build/,
paths outside the tree (../x, /usr/...) and paths in Linux's tree (written
"Linux's `scripts/...`") are not checked. Prints each
missing path as FILE:LINE: PATH and exits 1 if there is one.
"""
import argparse
import glob
import os
import re
import sys

WORD = re.compile(r"(?<![\w./~$-])((?:\.?[A-Za-z0-9_+-]+)(?:/[A-Za-z0-9_.*?+\[\]{},-]*)+)")
PAGE = re.compile(r"(?<![\w./-])([A-Za-z0-9_-]+\.md)\b")
BARE = re.compile(r"(?<![\w./-])([A-Za-z0-9_-]+\.(?:c|h|asm|S|py|sh|mk|ld|l|gdb|tbl|expected))\b(?![/\w]|\.\w)")
# `page.md`, "Section": the page must have a heading that holds the words.
SECTION = re.compile(r"([A-Za-z0-9_-]+\.md)`?,?\s+\"([^\"]+)\"")
NOFILE = "no such file or directory in the repository"
PLACEHOLDER = re.compile(r"[A-Z]{3,}")   # guests/NAME/, tests/COMPONENT.mk, test_vNAME.c
# Outputs a page names by their own name (scripts/bench.py writes them under build/bench/).
OUTPUTS = {"results.md"}


def top_entries(root):
    return {e for e in os.listdir(root) if e not in (".git", "build")}


def expand_braces(word):
    m = re.search(r"\{([^{}]*)\}", word)
    if not m:
        return [word]
    out = []
    for alt in m.group(1).split(","):
        out += expand_braces(word[:m.start()] + alt + word[m.end():])
    return out


def exists(root, word):
    for w in expand_braces(word):
        if any(c in w for c in "*?["):
            if glob.glob(os.path.join(root, w)):
                return True
        elif os.path.exists(os.path.join(root, w)):
            return True
    return False


def linux_path(line, m):
    """Is the word at m written as one of Linux's ("Linux's `x`")?"""
    return line[max(0, m.start() - 9):m.start()].rstrip("`").endswith("Linux's ")


def candidates(line, tops):
    for m in WORD.finditer(line):
        word = m.group(1).rstrip(".,;:)")
        word = re.sub(r":[0-9]+$", "", word)          # file.c:42
        parts = word.split("/")
        if parts[0] not in tops or parts[0] == "build":
            continue
        if len([p for p in parts if p]) < 2 and not word.endswith("/"):
            continue
        if any(PLACEHOLDER.search(p) for p in parts[1:]):
            continue
        if linux_path(line, m):
            continue
        if "..." in word or "$" in word:
            continue
        yield word


def basenames(root):
    names = set()
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x not in (".git", "build")]
        names.update(files)
    return names


def headings(root, here, page):
    for d in (here, "docs", "."):
        f = os.path.join(root, d, page)
        if os.path.exists(f):
            with open(f, encoding="utf-8") as h:
                return [l.lstrip("#").strip() for l in h if l.startswith("#")]
    return None


def check(root, path):
    tops = top_entries(root)
    names = basenames(root)
    bad = []
    here = os.path.relpath(os.path.dirname(os.path.abspath(path)), root)
    fenced = False
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.lstrip().startswith("```"):
                fenced = not fenced
            for word in candidates(line, tops):
                if not exists(root, word):
                    bad.append((n, word, NOFILE))
            for m in PAGE.finditer(line):
                page = m.group(1)
                if page not in OUTPUTS and not any(os.path.exists(os.path.join(root, d, page))
                           for d in (here, "docs", ".")):
                    bad.append((n, page, NOFILE))
            for m in SECTION.finditer(line):
                hs = headings(root, here, m.group(1))
                if hs is not None and not any(m.group(2).lower() in h.lower() for h in hs):
                    bad.append((n, f'{m.group(1)}, "{m.group(2)}"', "no such heading"))
            for m in BARE.finditer(line) if not fenced else ():  # examples: foo.c
                if m.group(1) not in names and not linux_path(line, m):
                    bad.append((n, m.group(1), NOFILE))
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    missing = 0
    for p in a.files:
        for n, word, why in check(root, p):
            print(f"{p}:{n}: {word}: {why}")
            missing += 1
    checked = len(a.files)
    if missing:
        print(f"check-docs: {missing} missing paths or headings in {checked} documents")
        return 1
    print(f"check-docs: every repository path named in {checked} documents exists")
    return 0


if __name__ == "__main__":
    sys.exit(main())
