#!/usr/bin/env bash
# Runs the lab demo tool (`lab-demo run|up|down`) as root, which it needs for network namespaces:
# directly when already root, else through sudo (keeping PATH, so kubectl and the Swift-built
# binaries are found). Used by `make demo`, `make lab-up` and `make lab-down`.
#
# The IronLB binaries come from $IRONLB_BIN_DIR (default: ./.build/debug, where `make demo`
# builds them); lab-demo itself always from ./.build/debug.
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO="$PWD/.build/debug/lab-demo"
BIN_DIR="${IRONLB_BIN_DIR:-$PWD/.build/debug}"
if [ ! -x "$DEMO" ]; then
  echo "lab-demo is not built: swift build --product lab-demo (make demo builds it)" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  exec env IRONLB_BIN_DIR="$BIN_DIR" "$DEMO" "$@"
fi
if ! command -v sudo >/dev/null; then
  echo "lab-demo needs root (it creates network namespaces) and sudo is not installed: run make as root" >&2
  exit 1
fi
echo "lab-demo needs root (it creates network namespaces): running it with sudo" >&2
exec sudo env "PATH=$PATH" IRONLB_BIN_DIR="$BIN_DIR" "$DEMO" "$@"
