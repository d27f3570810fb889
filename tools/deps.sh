#!/usr/bin/env bash
# Installs what the build, the demo and the tests need, once: Debian
# packages (the browser and CJK fonts of the browser test; Node.js and npm
# for the Adyen interoperability test, unless node and npm are already on
# PATH; socat to talk to a QEMU guest's UART sockets, rootfs/README.md;
# cpio to inspect initrd.img; tesseract with its Simplified Chinese model
# and the cgo headers, Xvfb and the fonts of the screen-region OCR tests;
# u-boot-tools, whose mkenvimage the update/bootenv interop test runs),
# Go modules, the npm packages of the Adyen interoperability test, and the
# face-recognition model (below). Idempotent; quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(chromium fonts-noto-cjk fonts-droid-fallback ca-certificates socat cpio
  libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-chi-sim xvfb fonts-dejavu-core
  u-boot-tools)
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

# face-api (the face-recognition weights the payment host runs, and the
# library its golden test compares against): the npm tarball, checked
# against its recorded hash, unpacked into out/cache, the model's files
# copied to out/models/face-api/ (payhost/facerec.DefaultModelDir).
faceapi_ver=1.7.15
faceapi_sha256=0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031
faceapi_dir=out/cache/face-api-$faceapi_ver
faceapi_models=out/models/face-api
if [ ! -f "$faceapi_dir/package/dist/face-api.esm.js" ] || [ ! -f "$faceapi_models/face_recognition_model.bin" ]; then
  echo "deps: npm pack @vladmandic/face-api@$faceapi_ver"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent --loglevel=error "@vladmandic/face-api@$faceapi_ver" >/dev/null)
  tgz="$tmp/vladmandic-face-api-$faceapi_ver.tgz"
  echo "$faceapi_sha256  $tgz" | sha256sum -c --quiet -
  rm -rf "$faceapi_dir" && mkdir -p "$faceapi_dir" "$faceapi_models"
  tar -xzf "$tgz" -C "$faceapi_dir"
  cp "$faceapi_dir"/package/model/face_recognition_model-weights_manifest.json \
     "$faceapi_dir"/package/model/face_recognition_model.bin "$faceapi_models/"
  rm -rf "$tmp"
  trap - EXIT
fi
