#!/usr/bin/env bash
# Captures real BGP sessions between bird2 and gobgpd in two throwaway network namespaces and
# prints every BGP message seen on the wire as "direction type length hex", the raw material of
# Tests/LBWireTests/BGPCapturedFixtures.swift. It is not run by the tests (it needs root, bird2,
# gobgpd and tcpdump); rerun it by hand when new fixtures are wanted:
#
#   sudo scripts/capture-bgp-fixtures.sh [OUTPUT_DIR]
#
# Scenario (one TCP session over IPv4, multiprotocol IPv4 + IPv6 unicast):
#   phase 1  bird (AS 65001, passive) <- gobgpd (AS 4200000002, 4-octet, graceful restart on)
#            bird exports IPv4 and IPv6 static routes with COMMUNITIES, LARGE_COMMUNITIES, MED;
#            gobgpd announces IPv4 and IPv6 routes added with its CLI; both send End-of-RIB;
#            `birdc reload in` makes bird send ROUTE-REFRESH; gobgpd withdraws one route of each
#            family; bird withdraws its IPv4 static routes; then bird is disabled with a shutdown
#            communication (Cease / Administrative Shutdown, RFC 8203).
#   phase 2  bird is reconfigured to expect the wrong peer AS: it answers gobgpd's OPEN with
#            NOTIFICATION OPEN Message Error / Bad Peer AS.
#   phase 3  gobgpd disables the neighbour with a reason (Cease / Administrative Shutdown
#            from gobgpd).
# Everything lives under a unique prefix and is removed on exit, even on failure.
set -euo pipefail

OUT=${1:-$(mktemp -d /tmp/bgpcap.XXXXXX)}
mkdir -p "$OUT"
PFX=bgc$$
NS_BIRD=${PFX}b
NS_GO=${PFX}g
VB=${PFX}vb   # veth end in bird's namespace
VG=${PFX}vg   # veth end in gobgpd's namespace
BIRD_IP4=10.255.7.1 GO_IP4=10.255.7.2
BIRD_IP6=2001:db8:7::1 GO_IP6=2001:db8:7::2
GO_AS=4200000002 BIRD_AS=65001

for tool in bird birdc gobgpd gobgp tcpdump python3 ip; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 2; }

PIDS=()
cleanup() {
    set +e
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    sleep 0.5
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
    [ -f "$OUT/bird.pid" ] && kill "$(cat "$OUT/bird.pid")" 2>/dev/null
    ip netns exec "$NS_BIRD" ip link del "$VB" 2>/dev/null
    ip netns del "$NS_BIRD" 2>/dev/null
    ip netns del "$NS_GO" 2>/dev/null
}
trap cleanup EXIT

ip netns add "$NS_BIRD"
ip netns add "$NS_GO"
ip link add "$VB" type veth peer name "$VG"
ip link set "$VB" netns "$NS_BIRD"
ip link set "$VG" netns "$NS_GO"
for pair in "$NS_BIRD $VB $BIRD_IP4 $BIRD_IP6" "$NS_GO $VG $GO_IP4 $GO_IP6"; do
    set -- $pair
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    ip netns exec "$1" ip link set lo up
    ip netns exec "$1" ip addr add "$3/24" dev "$2"
    ip netns exec "$1" ip addr add "$4/64" dev "$2" nodad
    ip netns exec "$1" ip link set "$2" up
done

cat >"$OUT/bird.conf" <<EOF
router id $BIRD_IP4;
log "$OUT/bird.log" all;
protocol device {}
protocol static s4 {
    ipv4;
    route 198.51.100.0/24 blackhole;
    route 198.51.100.7/32 blackhole;
}
protocol static s6 {
    ipv6;
    route 2001:db8:100::/48 blackhole;
    route 2001:db8:100:1::1/128 blackhole;
}
protocol bgp gobgp1 {
    local $BIRD_IP4 as $BIRD_AS;
    neighbor $GO_IP4 as $GO_AS;
    passive on;
    ipv4 {
        import all;
        export filter { bgp_community.add((65001,100)); bgp_large_community.add((65001,1,2)); bgp_med = 50; accept; };
    };
    ipv6 {
        import all;
        next hop address $BIRD_IP6;
        export filter { bgp_community.add((65001,600)); bgp_large_community.add((65001,6,6)); accept; };
    };
}
EOF

gobgp_conf() { # $1 = peer AS gobgpd expects
    cat >"$OUT/gobgpd.toml" <<EOF
[global.config]
  as = $GO_AS
  router-id = "$GO_IP4"
  port = -1
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$BIRD_IP4"
    peer-as = $1
  [neighbors.transport.config]
    local-address = "$GO_IP4"
  [neighbors.timers.config]
    connect-retry = 1
  [neighbors.graceful-restart.config]
    enabled = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
EOF
}

inbird() { ip netns exec "$NS_BIRD" "$@"; }
ingo() { ip netns exec "$NS_GO" "$@"; }
birdc_() { inbird birdc -s "$OUT/bird.ctl" "$@"; }
gobgp_() { ingo gobgp "$@"; }

# Waits (bounded) until bird's protocol gobgp1 shows $1 in `birdc show protocols`.
wait_bird() {
    for _ in $(seq 1 150); do
        birdc_ show protocols gobgp1 2>/dev/null | grep -q "$1" && return 0
        sleep 0.2
    done
    echo "timed out waiting for bird state $1" >&2
    birdc_ show protocols all gobgp1 >&2 || true
    return 1
}

start_gobgpd() {
    ingo gobgpd -f "$OUT/gobgpd.toml" --log-level=info >"$OUT/gobgpd-$1.log" 2>&1 &
    PIDS+=($!)
    GOPID=$!
    for _ in $(seq 1 50); do gobgp_ global >/dev/null 2>&1 && return 0; sleep 0.2; done
    echo "gobgpd did not start" >&2; return 1
}

stop_gobgpd() {
    kill "$GOPID" 2>/dev/null || true
    wait "$GOPID" 2>/dev/null || true
}

inbird tcpdump -i "$VB" -w "$OUT/bgp.pcap" --immediate-mode -U -s 0 tcp port 179 2>"$OUT/tcpdump.log" &
PIDS+=($!)
TCPDUMP=$!
sleep 1

inbird bird -c "$OUT/bird.conf" -s "$OUT/bird.ctl" -P "$OUT/bird.pid"

# Phase 1: a full session.
gobgp_conf "$BIRD_AS"
start_gobgpd 1
# Preload gobgpd's routes so they go out with the first UPDATEs.
gobgp_ global rib add 203.0.113.0/24 community 4200:100 large-community "$GO_AS:1:2" med 10
gobgp_ global rib add 203.0.113.128/25 community 4200:101,65535:65281
gobgp_ global rib -a ipv6 add 2001:db8:200::/48 nexthop "$GO_IP6" community 4200:200 large-community "$GO_AS:3:4"
wait_bird Established
sleep 3
birdc_ reload in gobgp1
sleep 1
gobgp_ global rib del 203.0.113.128/25
gobgp_ global rib -a ipv6 del 2001:db8:200::/48
sleep 1
birdc_ disable s4
sleep 1
birdc_ disable gobgp1 '"IronLB fixture capture: maintenance"'
sleep 2
stop_gobgpd

# Phase 2: bird expects the wrong AS and refuses gobgpd's OPEN (Bad Peer AS).
sed "s/neighbor $GO_IP4 as $GO_AS;/neighbor $GO_IP4 as 65009;/" "$OUT/bird.conf" >"$OUT/bird-badas.conf"
birdc_ configure \"$OUT/bird-badas.conf\"
birdc_ enable gobgp1
gobgp_conf "$BIRD_AS"
start_gobgpd 2
for _ in $(seq 1 150); do grep -qi "bad peer as" "$OUT/bird.log" 2>/dev/null && break; sleep 0.2; done
sleep 1
stop_gobgpd
birdc_ configure \"$OUT/bird.conf\"

# Phase 3: gobgpd shuts the neighbour down with a reason.
birdc_ enable gobgp1
start_gobgpd 3
wait_bird Established
sleep 1
gobgp_ neighbor "$BIRD_IP4" shutdown --reason "gobgp fixture capture" || gobgp_ neighbor "$BIRD_IP4" disable --reason "gobgp fixture capture"
sleep 2
stop_gobgpd

kill "$TCPDUMP"; wait "$TCPDUMP" 2>/dev/null || true

{
    echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "# $(inbird bird --version 2>&1 | head -1)"
    echo "# $(gobgpd --version 2>&1 | head -1)"
} >"$OUT/versions.txt"

# Reassemble each TCP direction of each connection and split it into BGP messages (RFC 4271
# section 4.1: 16-octet marker, 2-octet length, type).
python3 - "$OUT/bgp.pcap" "$BIRD_IP4" >"$OUT/messages.txt" <<'PY'
import struct, sys
path, bird = sys.argv[1], sys.argv[2]
data = open(path, 'rb').read()
magic = struct.unpack('<I', data[:4])[0]
endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
linktype = struct.unpack(endian + 'I', data[20:24])[0]
off, streams, order = 24, {}, []
while off + 16 <= len(data):
    ts, tus, incl, orig = struct.unpack(endian + 'IIII', data[off:off + 16])
    pkt = data[off + 16:off + 16 + incl]
    off += 16 + incl
    l2 = 14 if linktype == 1 else 16  # Ethernet, or Linux cooked capture
    eth_type = struct.unpack('>H', pkt[l2 - 2:l2])[0]
    if eth_type != 0x0800:
        continue
    ip = pkt[l2:]
    ihl = (ip[0] & 15) * 4
    total = struct.unpack('>H', ip[2:4])[0]
    src, dst = '.'.join(map(str, ip[12:16])), '.'.join(map(str, ip[16:20]))
    tcp = ip[ihl:total]
    sport, dport, seq = struct.unpack('>HHI', tcp[:8])
    flags = tcp[13]
    payload = tcp[(tcp[12] >> 4) * 4:]
    key = (src, sport, dst, dport)
    if key not in streams:
        streams[key] = {'next': None, 'buf': b''}
        order.append(key)
    s = streams[key]
    if flags & 0x02:  # SYN
        s['next'] = (seq + 1) & 0xffffffff
        continue
    if not payload or s['next'] is None or seq != s['next']:
        continue  # retransmission or out of order: ignored (none on a veth)
    s['next'] = (seq + len(payload)) & 0xffffffff
    s['buf'] += payload
    while len(s['buf']) >= 19:
        length = struct.unpack('>H', s['buf'][16:18])[0]
        if length < 19 or len(s['buf']) < length:
            break
        msg, s['buf'] = s['buf'][:length], s['buf'][length:]
        who = 'bird' if src == bird else 'gobgp'
        print(f"{ts}.{tus:06d} {who}->{'gobgp' if who == 'bird' else 'bird'} {sport}->{dport} type={msg[18]} len={length} {msg.hex()}")
PY
cat "$OUT/versions.txt"
cat "$OUT/messages.txt"
echo "pcap, logs and messages in $OUT" >&2
