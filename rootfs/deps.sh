#!/usr/bin/env bash
# Installs what `make image` and `make qemu` need on a Debian 12 machine, once:
# the arm64 cross compiler and libc, QEMU (system and user mode), U-Boot for QEMU's
# virt machine and mkimage, FAT and ext4 tools, the CJK font, and the arm64
# package architecture (the kernel package is fetched by the image builder).
# Idempotent; quiet when all is there.
set -euo pipefail

# libc6-dev-arm64-cross is only a recommendation of the cross gcc, and
# --no-install-recommends below: the static cgo build and `make test-arm64`
# (its libc under /usr/aarch64-linux-gnu for qemu-user) need it.
pkgs=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm qemu-user-static u-boot-qemu u-boot-tools
  dosfstools mtools e2fsprogs gdisk xz-utils fonts-droid-fallback ca-certificates)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
need_arch=0
dpkg --print-foreign-architectures | grep -qx arm64 || need_arch=1

if [ ${#missing[@]} -eq 0 ] && [ $need_arch -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "rootfs/deps: need root to install: ${missing[*]} ${need_arch:+(arm64 architecture)}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Other jobs may hold the dpkg lock for a while; wait rather than fail.
apt_opts=(-o DPkg::Lock::Timeout=600 -qq)
if [ $need_arch -eq 1 ]; then
  echo "rootfs/deps: adding the arm64 package architecture"
  dpkg --add-architecture arm64
fi
echo "rootfs/deps: installing ${missing[*]:-nothing new}"
apt-get "${apt_opts[@]}" update
if [ ${#missing[@]} -gt 0 ]; then
  apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
