#!/usr/bin/env bash
# Build Debian's Linux 6.1 as a small i386 guest, once with the plain
# assembler and once through the afterburner, each in its own O= directory.
#
#   guests/linux/build.sh [--jobs N] [VARIANT...]     VARIANT: plain | afterburn
#                                                      (default: both)
#
# Outputs: build/linux/VARIANT/{vmlinux,arch/x86/boot/bzImage}; every
# build's wall and user+sys seconds are appended to
# build/linux/VARIANT/build-times.log, the last full (from clean) one is
# build-time.txt. Everything is cached: the source is unpacked once, and a
# variant is rebuilt only when one of its inputs changed (the source
# tarball, the config fragment, this script, the compiler, and for
# "afterburn" the afterburn-as binary). A changed tool means every object
# must be made again, which Kbuild would not notice (its command line is the
# same), so that case cleans the output directory first. See docs/linux.md.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

jobs=2
variants=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs|-j) jobs=$2; shift 2 ;;
    plain|afterburn) variants+=("$1"); shift ;;
    *) echo "linux: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#variants[@]} -eq 0 ] && variants=(plain afterburn)

tarball=/usr/src/linux-source-6.1.tar.xz
fragment=$top/guests/linux/config.fragment
out=$top/build/linux
src=$out/src
# The afterburned build runs a private copy of build/afterburn-b/as: the
# afterburner may be rebuilt while a kernel build is running (cp over a
# running binary fails with ETXTBSY, and one kernel must not mix two
# afterburners). The copy is taken when a build starts.
abdir_src=$top/build/afterburn-b
abdir=$out/afterburn-b
cross=i686-linux-gnu-

# Called from make (make linux, the tests): Kbuild must not inherit the
# outer make's flags, command-line variables or jobserver.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

scripts/deps.sh --linux
mkdir -p "$out"

# One build at a time: two make invocations in one O= directory corrupt it.
exec 9>"$out/.lock"
flock 9

# The tarball's identity, cheap to compute (size and mtime, not a 138 MB hash).
tar_id=$(stat -c '%s %Y' "$tarball")

unpack() {
  if [ -f "$src/.unpacked" ] && [ "$(cat "$src/.unpacked")" = "$tar_id" ]; then
    return
  fi
  echo "linux: unpacking $tarball"
  rm -rf "$src" "$src.tmp"
  mkdir -p "$src.tmp"
  tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
  echo "$tar_id" >"$src.tmp/.unpacked"
  mv "$src.tmp" "$src"
}

# Kbuild's make for one variant; extra arguments go to make. KMAKE_QUIET=
# (empty) lets Kbuild print its one line per file, for progress().
KMAKE_QUIET=-s
kmake() {
  local v=$1; shift
  local cc=()
  [ "$v" = afterburn ] && cc=(CC="${cross}gcc -B$abdir/")
  # LOCALVERSION makes uname -r name the variant, so a boot test can tell
  # which kernel it booted.
  make $KMAKE_QUIET -C "$src" O="$out/$v" ARCH=i386 CROSS_COMPILE="$cross" \
    LOCALVERSION="-$v" "${cc[@]}" "$@"
}

# Kbuild's quiet lines ("  CC      kernel/fork.o") in, one progress line out
# every 30 s: files done, of how many the last full build made (stored in
# $o/steps.count; a first build takes the 1,000 measured for
# config.fragment on Debian 12, 2026-12), and the minutes.
# Warnings and errors (anything not a step line) pass through unchanged.
progress() {
  local v=$1 o=$out/$1 total=1000 n=0 t0 next line
  [ -f "$o/steps.count" ] && total=$(cat "$o/steps.count")
  t0=$(date +%s); next=$((t0 + 30))
  while IFS= read -r line; do
    case "$line" in
      "  "[A-Z]*) n=$((n + 1)) ;;
      make*"ing directory"*) ;;
      *) printf '%s\n' "$line" >&2 ;;
    esac
    if [ "$(date +%s)" -ge "$next" ]; then
      next=$((next + 30))
      echo "linux: $v: $n of ~$total steps ($((n * 100 / total))%), $(( ($(date +%s) - t0) / 60 )) min"
    fi
  done
  echo "$n" >"$o/steps.last"
}

# tinyconfig, then the fragment merged on top; fail if Kconfig dropped any
# option the fragment asks for (a missing dependency would do that silently).
configure() {
  local v=$1 o=$out/$1
  mkdir -p "$o"
  kmake "$v" tinyconfig >/dev/null
  "$src/scripts/kconfig/merge_config.sh" -m -O "$o" "$o/.config" "$fragment" >/dev/null
  kmake "$v" olddefconfig >/dev/null
  local bad=0 line name
  while IFS= read -r line; do
    case "$line" in
      CONFIG_*=*) name=${line%%=*}
        grep -qxF "$line" "$o/.config" || { echo "linux: $line did not stick" >&2; bad=1; } ;;
      "# CONFIG_"*" is not set") name=${line#\# }; name=${name%% *}
        if grep -q "^$name=" "$o/.config"; then echo "linux: $name should be off" >&2; bad=1; fi ;;
    esac
  done <"$fragment"
  [ $bad -eq 0 ] || { echo "linux: config fragment not satisfied" >&2; exit 1; }
}

# What a variant's objects depend on beyond the (unchanging) source tree and
# the configuration, which Kbuild tracks itself.
tools_of() {
  local v=$1
  echo "tarball $tar_id"
  echo "gcc $(${cross}gcc --version | head -n1)"
  echo "as $(${cross}as --version | head -n1)"
  if [ "$v" = afterburn ]; then
    echo "afterburn-as $(sha256sum <"$abdir/as.next" | cut -d' ' -f1)"
  fi
}

# .recipe-tools: the tools the objects in O= were made with (written before
# a build starts); .recipe-stamp: the inputs of the last finished build.
build() {
  local v=$1 o=$out/$1 tools want wall user sys
  if [ "$v" = afterburn ]; then
    [ -x "$abdir_src/as" ] || { echo "linux: $abdir_src/as missing (make build/afterburn-b/as)" >&2; exit 1; }
    mkdir -p "$abdir"
    cp "$abdir_src/as" "$abdir/as.tmp" && mv -f "$abdir/as.tmp" "$abdir/as.next"
  fi
  tools=$(tools_of "$v")
  want=$(printf '%s\nfragment %s\nscript %s\n' "$tools" \
    "$(sha256sum <"$fragment" | cut -d' ' -f1)" "$(sha256sum <"$0" | cut -d' ' -f1)")
  if [ -f "$o/.recipe-stamp" ] && [ "$want" = "$(cat "$o/.recipe-stamp")" ] &&
     [ -f "$o/arch/x86/boot/bzImage" ]; then
    echo "linux: $v is up to date"
    return
  fi
  rm -f "$o/.recipe-stamp"
  if [ -f "$o/.recipe-tools" ] && [ "$tools" != "$(cat "$o/.recipe-tools")" ]; then
    echo "linux: $v tools changed, cleaning $o"
    kmake "$v" clean
  fi
  mkdir -p "$o"
  [ "$v" = afterburn ] && mv -f "$abdir/as.next" "$abdir/as"
  echo "$tools" >"$o/.recipe-tools"
  echo "linux: configuring $v"
  configure "$v"
  echo "linux: building $v (-j$jobs)"
  # bash's time keyword: wall, user and sys seconds of the whole Kbuild run.
  local t load0 kind=incremental TIMEFORMAT='%R %U %S'
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  [ -f "$o/vmlinux" ] || kind=full
  t=$( { time KMAKE_QUIET= kmake "$v" -j"$jobs" bzImage 2>&1 | progress "$v" >&5 2>&6; } 2>&1 )
  read -r wall user sys <<<"$t"
  # One line per build in build-times.log; build-time.txt keeps the last
  # full (from clean) build, the figure docs/linux.md quotes.
  local line
  line="variant $v kind $kind wall_s $wall user_s $user sys_s $sys"
  line+=" cpu_s $(echo "$user + $sys" | bc) jobs $jobs load_before $load0"
  line+=" date $(date -u +%FT%TZ)"
  echo "$line" >>"$o/build-times.log"
  [ "$kind" = full ] && echo "$line" >"$o/build-time.txt" && mv -f "$o/steps.last" "$o/steps.count"
  echo "$want" >"$o/.recipe-stamp"
  echo "linux: $v built: $line"
}

exec 5>&1 6>&2
unpack
for v in "${variants[@]}"; do
  build "$v"
done
