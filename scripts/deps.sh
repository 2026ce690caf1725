#!/usr/bin/env bash
# Install the Debian packages the build, the tests and the Linux guest need,
# but only those that are missing, so a second run costs one dpkg query.
# Usage: scripts/deps.sh [--linux]   (--linux adds the kernel-build packages
# and the Linux guest's user space: busybox-static for i386, a foreign
# architecture, added to dpkg once)
set -euo pipefail

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

pkgs=(
  make gcc gcc-i686-linux-gnu binutils-i686-linux-gnu libc6-dev-i386-cross
  nasm flex bison
  grub-pc-bin grub-common xorriso mtools
  qemu-system-x86
  bochs bochsbios vgabios bochs-term bsdutils
  gdb libcmocka-dev python3-kconfiglib libcapstone-dev linux-libc-dev
  binutils gnuplot-nox
  clang libclang-rt-dev
)
if [ "${1:-}" = "--linux" ]; then
  pkgs+=(linux-source-6.1 bc libelf-dev cpio xz-utils libssl-dev file)
  # The guest's busybox must be an i386 binary, static (the initramfs has
  # no libraries): Debian's busybox-static of the i386 architecture. It
  # installs /bin/busybox and conflicts with (replaces) the busybox
  # package, which a host that had it loses; the host's own tools do not
  # need it (and the i386 one still runs on a kernel with IA32 emulation,
  # as Debian's amd64 kernels have).
  pkgs+=(busybox-static:i386)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
# A :i386 package needs the architecture in dpkg before apt-get update
# fetches its lists; adding it again is harmless, but skip it when present.
case " ${missing[*]}" in
  *:i386*)
    if [ "$(dpkg --print-architecture)" != i386 ] &&
       ! dpkg --print-foreign-architectures | grep -qx i386; then
      $SUDO dpkg --add-architecture i386
    fi ;;
esac
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
