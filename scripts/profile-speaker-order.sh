#!/usr/bin/env bash
# Regenerates deploy/lb-speaker.order: the functions lb-speaker runs, which the release link
# (Makefile RELEASE_FLAGS, deploy/Dockerfile) places next to each other.
#
# Why: the kernel maps an executable's pages around every page fault ("fault-around", 64 KiB), so
# code that runs scattered across a 27 MB .text made most of it resident (about 18 MB of a
# speaker's RSS). Only about 3 MB of functions ever run; laid out together they cost about 7 MB.
#
# How: lb-speaker runs under valgrind's callgrind (which records every function executed, not a
# sample) in the speaker benchmark's namespace lab (layer 2: 1,000 IPs, ARP requests, a SIGTERM
# hand-over, a SIGKILL failover) and
# in the BGP benchmark's lab (10,000 routes to bird2), and the names of the functions it ran are
# written out sorted. A stale file is harmless: functions it does not name are placed after the
# listed ones, as without ordering, so the only cost of not rerunning this is memory.
#
# Needs root and what `make bench-speaker` and `make bench-bgp` need, plus valgrind. Takes about
# 4 minutes. Run it from the repository root: `make speaker-order`.
set -euo pipefail

root=$(pwd)
out=deploy/lb-speaker.order
work=$(mktemp -d /tmp/ironlb-order.XXXXXX)
trap 'rm -rf "$work"' EXIT

command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
[ -x .build-static/release/lb-speaker ] || { echo "build the release speaker first (make release-speaker)" >&2; exit 1; }

# valgrind 3.19 cannot read the toolchain's DWARF 5; the symbol table is all it needs.
cp .build-static/release/lb-speaker "$work/lb-speaker.real"
strip --strip-debug "$work/lb-speaker.real"
mkdir -p "$work/bin" "$work/profiles"
ln -s "$root/.build/release/kube-test-server" "$root/.build/release/lb-controller" "$work/bin/"
# exec keeps the pid, so the benchmarks' signals and /proc readings reach the speaker itself.
cat > "$work/bin/lb-speaker" <<EOF
#!/bin/sh
exec valgrind --quiet --tool=callgrind --callgrind-out-file=$work/profiles/cg.%p \\
  --dump-instr=no --demangle=no --compress-strings=no --compress-pos=no $work/lb-speaker.real "\$@"
EOF
chmod +x "$work/bin/lb-speaker"

# Under valgrind the speaker is 20-50 times slower: its figures here mean nothing (membership
# flaps, slow failovers); only which code ran matters.
echo "layer 2 lab (1,000 IPs, ARP and NDP requests, SIGTERM hand-over, SIGKILL failover) ..."
.build/release/speaker-bench "$work/bin" --phases rss,arp,term,kill --trials 2 --arp-count 100 > "$work/speaker-bench.log" 2>&1 \
  || echo "speaker-bench exited non-zero (expected under valgrind); profiles kept" >&2
echo "BGP lab (10,000 routes to bird2) ..."
.build/release/bgp-bench "$work/bin" --announcers ironlb --trials 1 > "$work/bgp-bench.log" 2>&1 \
  || echo "bgp-bench exited non-zero (expected under valgrind); profiles kept" >&2

# A speaker killed with SIGKILL (the failover trials) leaves an empty file: only the others count.
profiles=()
for f in "$work"/profiles/cg.*; do [ -s "$f" ] && profiles+=("$f"); done
[ ${#profiles[@]} -gt 0 ] || { echo "no profile was written; see $work (kept)" >&2; trap - EXIT; exit 1; }
# fn= lines name each function with cost, cfn= the functions it called; 'N suffixes are
# callgrind's recursion levels; 0x... are addresses without a symbol.
grep -h -E '^c?fn=' "${profiles[@]}" | sed -E "s/^c?fn=//; s/'[0-9]+$//" \
  | grep -v -E '^(0x[0-9a-f]+|\(below main\))$' | LC_ALL=C sort -u > "$work/order"
count=$(wc -l < "$work/order")
[ "$count" -gt 1000 ] || { echo "only $count functions recorded; not replacing $out" >&2; exit 1; }
mv "$work/order" "$out"
echo "$out: $count functions from ${#profiles[@]} speaker runs"
