#!/usr/bin/env bash
# Installs what the build, the demo and the tests need, once: Debian
# packages (the browser and CJK fonts of the browser test; Node.js and npm
# for the Adyen interoperability test, unless node and npm are already on
# PATH; socat to talk to a QEMU guest's UART sockets, rootfs/README.md;
# cpio to inspect initrd.img; tesseract with its Simplified Chinese model
# and the cgo headers, Xvfb and the fonts of the screen-region OCR tests),
# Go modules, and the npm packages of the
# Adyen interoperability test. Idempotent; quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(chromium fonts-noto-cjk fonts-droid-fallback ca-certificates socat cpio
  libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-chi-sim xvfb fonts-dejavu-core)
# A Node.js installed another way (nvm, nodesource) is used as it is.
command -v node >/dev/null || pkgs+=(nodejs)
command -v npm >/dev/null || pkgs+=(npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "deps: need root to install: ${missing[*]}" >&2; exit 1
  fi
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

go mod download

if [ ! -d pos/adyentest/node_modules/@adyen/api-library ]; then
  echo "deps: npm install (pos/adyentest)"
  (cd pos/adyentest && npm ci --no-audit --no-fund --loglevel=error)
fi
