#!/usr/bin/env bash
# Builds the libFuzzer target Fuzz/BGPDecode (the BGP decoder of LBWire) with
# `swiftc -sanitize=fuzzer,address -parse-as-library` and runs it.
#
#   Fuzz/run-bgp-fuzz.sh [SECONDS] [extra libFuzzer flags...]     (default 60 seconds)
#
# How it is built: LBCore, LBWire and the target are compiled from source with the fuzzer and
# address sanitizers (so libFuzzer sees coverage of the decoder), against the modules of their
# dependencies (NIOCore, Yams, swift-collections, swift-atomics) from an ordinary debug build of
# a package that contains LBWire; those dependencies are linked uninstrumented from its objects.
#   PACKAGE_DIR   the package whose .build to use (default: this repository), built first with
#                 `swift build --target LBWire` (a no-op when it is up to date)
#   WORK_DIR      where objects, the binary, the corpus and crashes go (default .build/fuzz-bgp
#                 inside PACKAGE_DIR)
# The corpus is seeded with the captured fixtures of Tests/LBWireTests/BGPCapturedFixtures.swift.
# A crash (a trap: the target checks properties with fatalError) leaves crash-* files in WORK_DIR;
# replay one with "$WORK_DIR/bgp-decode-fuzz CRASH_FILE".
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SECONDS_TO_RUN=${1:-60}
shift || true
PACKAGE_DIR=${PACKAGE_DIR:-$REPO}
WORK_DIR=${WORK_DIR:-$PACKAGE_DIR/.build/fuzz-bgp}
SOURCES=${SOURCES:-$REPO/Sources}

swift build --package-path "$PACKAGE_DIR" --target LBWire >&2
BIN=$(swift build --package-path "$PACKAGE_DIR" --show-bin-path)
CHECKOUTS="$PACKAGE_DIR/.build/checkouts"
mkdir -p "$WORK_DIR/corpus"
cd "$WORK_DIR"

# Clang module maps of the C targets (CNIOLinux, CYaml, ...), as SwiftPM passes them.
CFLAGS=()
for map in "$BIN"/*.build/module.modulemap "$CHECKOUTS"/*/Sources/*/include/module.modulemap; do
    [ -f "$map" ] && CFLAGS+=(-Xcc "-fmodule-map-file=$map")
done
for dir in "$CHECKOUTS"/*/Sources/*/include; do
    [ -d "$dir" ] && CFLAGS+=(-Xcc "-I$dir")
done
SWIFTC=(swiftc -parse-as-library -sanitize=fuzzer,address -O -g -wmo -I "$WORK_DIR" -I "$BIN/Modules" "${CFLAGS[@]}")

module() { # name, sources...
    local name=$1; shift
    "${SWIFTC[@]}" -module-name "$name" -emit-module -emit-module-path "$name.swiftmodule" -emit-object -o "$name.o" "$@"
}
mapfile -d '' CORE < <(find "$SOURCES/LBCore" -name '*.swift' -print0)
mapfile -d '' WIRE < <(find "$SOURCES/LBWire" -name '*.swift' -print0)
echo "compiling LBCore (${#CORE[@]} files), LBWire (${#WIRE[@]} files) and the target" >&2
module LBCore "${CORE[@]}"
module LBWire "${WIRE[@]}"
"${SWIFTC[@]}" -module-name BGPDecodeFuzz -emit-object -o main.o "$HERE/BGPDecode/main.swift"

# The uninstrumented dependencies LBCore and LBWire use.
OBJECTS=()
for dep in NIOCore _NIODataStructures _NIOBase64 CNIOLinux CNIODarwin CNIOWindows CNIOWASI CNIOOpenBSD CNIOFreeBSD \
    NIOConcurrencyHelpers CNIOAtomics Atomics _AtomicsShims Yams CYaml HeapModule DequeModule ContainersPreview \
    BasicContainers InternalCollectionsUtilities; do
    [ -d "$BIN/$dep.build" ] || continue
    while IFS= read -r -d '' object; do OBJECTS+=("$object"); done < <(find "$BIN/$dep.build" -name '*.o' -print0)
done
swiftc -sanitize=fuzzer,address -o bgp-decode-fuzz main.o LBWire.o LBCore.o "${OBJECTS[@]}"

# Seed corpus: every captured message, one file each.
python3 - "$REPO/Tests/LBWireTests/BGPCapturedFixtures.swift" corpus <<'PY'
import re, sys
text = open(sys.argv[1]).read()
marker = "ff" * 16
for i, name in enumerate(re.findall(r'static let (\w+) = hex\(', text)):
    block = text.split(f"static let {name} = hex(", 1)[1].split(")\n", 1)[0]
    hexdigits = "".join(re.findall(r'"([0-9a-f]*)"', block))
    open(f"{sys.argv[2]}/fixture-{name}", "wb").write(bytes.fromhex(marker + hexdigits))
PY

echo "running for $SECONDS_TO_RUN s in $WORK_DIR" >&2
./bgp-decode-fuzz corpus -max_total_time="$SECONDS_TO_RUN" -max_len=4200 -print_final_stats=1 "$@"
