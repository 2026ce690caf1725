#!/usr/bin/env bash
# Install the Debian packages the build, the tests and the Linux guest need,
# but only those that are missing, so a second run costs one dpkg query.
# Usage: scripts/deps.sh [--linux]   (--linux adds the kernel-build packages)
set -euo pipefail

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
  pkgs+=(linux-source-6.1 bc libelf-dev cpio xz-utils libssl-dev)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
