#!/usr/bin/env bash
# IronLB local demo (what exists today): an in-memory Kubernetes API (kube-test-server), two
# lb-controller replicas (leader + standby), the real kubectl. It applies a sample config and
# Services, shows their EXTERNAL-IPs and events, refuses an invalid config, kills the leader
# and shows the standby take over. Everything runs on 127.0.0.1 and is removed at the end.
# Exits non-zero if any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.build/debug}
WORK=$(mktemp -d /tmp/ironlb-demo.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() { echo "demo FAILED: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }

command -v kubectl >/dev/null || fail "kubectl is needed (it comes with the machine image; see README)"
KUBECTL="kubectl"
# kubectl dispatches on the server's version; call the 1.32 client directly when it is there.
for k in /usr/lib/google-cloud-sdk/bin/kubectl.1.32 /usr/bin/kubectl.1.32; do [ -x "$k" ] && KUBECTL="$k"; done
export KUBECONFIG="$WORK/kubeconfig"
K() { "$KUBECTL" --cache-dir "$WORK/kube-cache" "$@"; }

# A free port for the API server.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

step "start kube-test-server (an in-memory Kubernetes API) on 127.0.0.1:$PORT"
"$BIN/kube-test-server" --listen "127.0.0.1:$PORT" --kubeconfig-out "$KUBECONFIG" > "$WORK/api.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q listening "$WORK/api.log" 2>/dev/null && break; sleep 0.05; done
grep -q listening "$WORK/api.log" || fail "kube-test-server did not start: $(cat "$WORK/api.log")"
cat "$WORK/api.log"

step "kubectl apply the namespace and the sample config (config/layer2-ipv4.yaml)"
K create namespace ironlb-system
K apply -f config/layer2-ipv4.yaml
"$BIN/lbctl" config validate config/layer2-ipv4.yaml

step "start two lb-controller replicas (one leads via the Lease ironlb-system/ironlb-controller)"
start_controller() {
  "$BIN/lb-controller" --kubeconfig "$KUBECONFIG" --identity "$1" --metrics-address "127.0.0.1:0" \
    --lease-duration 2s --renew-deadline 1500ms --retry-period 200ms --log-level info > "$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  echo $! > "$WORK/$1.pid"
}
start_controller controller-a
sleep 0.5
start_controller controller-b
for _ in $(seq 100); do
  holder=$(K get lease -n ironlb-system ironlb-controller -o jsonpath='{.spec.holderIdentity}' 2>/dev/null || true)
  [ -n "$holder" ] && break; sleep 0.05
done
[ -n "$holder" ] || fail "no controller took the lease"
echo "leader: $holder"

step "create a LoadBalancer Service and one that asks for a specific IP"
K create service loadbalancer web --tcp=80:8080
cat <<EOF | K apply -f -
apiVersion: v1
kind: Service
metadata:
  name: dns
  annotations:
    metallb.universe.tf/loadBalancerIPs: 198.51.100.15
spec:
  type: LoadBalancer
  selector: {app: dns}
  ports: [{name: dns, port: 53, protocol: UDP}]
EOF
for _ in $(seq 100); do
  ip=$(K get svc web -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
  [ -n "$ip" ] && break; sleep 0.05
done
[ -n "$ip" ] || fail "web got no EXTERNAL-IP"
K get svc
[ "$(K get svc dns -o jsonpath='{.status.loadBalancer.ingress[0].ip}')" = "198.51.100.15" ] || fail "dns did not get its requested IP"

step "kubectl describe svc web (the IPAllocated event)"
K describe svc web | sed -n '/^Events/,$p'
K describe svc web | grep -q IPAllocated || fail "no IPAllocated event"

step "an invalid config is refused, every error named, and the last valid config stays"
cat <<'EOF' > "$WORK/bad.yaml"
apiVersion: v1
kind: ConfigMap
metadata: {name: config, namespace: ironlb-system}
data:
  config: |
    address-pools:
    - name: default
      protocol: layer3
      addresses: [192.0.2.64/33]
EOF
"$BIN/lbctl" config validate "$WORK/bad.yaml" && fail "lbctl accepted a bad config"
K apply -f "$WORK/bad.yaml"
for _ in $(seq 100); do
  K get events -n ironlb-system --field-selector reason=InvalidConfig -o name | grep -q . && break; sleep 0.05
done
K get events -n ironlb-system --field-selector reason=InvalidConfig -o custom-columns=TYPE:.type,REASON:.reason,MESSAGE:.message | cut -c1-160
K apply -f config/layer2-ipv4.yaml

step "kill -9 the leader ($holder): the standby takes over within the lease duration (2 s here)"
kill -9 "$(cat "$WORK/$holder.pid")"
t0=$(now_ms)
K create service loadbalancer after-failover --tcp=443:8443
for _ in $(seq 400); do
  ip2=$(K get svc after-failover -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
  [ -n "$ip2" ] && break; sleep 0.025
done
t1=$(now_ms)
[ -n "$ip2" ] || fail "the standby did not take over"
echo "new leader: $(K get lease -n ironlb-system ironlb-controller -o jsonpath='{.spec.holderIdentity}')"
echo "after-failover got $ip2, $((t1 - t0)) ms after the leader was killed"
K get svc
[ "$(K get svc web -o jsonpath='{.status.loadBalancer.ingress[0].ip}')" = "$ip" ] || fail "web's IP moved"
echo "web kept $ip"

step "demo ok"
echo "Not shown here yet: the layer-2 speaker making these IPs reachable (it runs in the network-namespace"
echo "lab of \`make test\` (SpeakerLabTests) and \`make bench-speaker\`), BGP, and lbctl status (see CHANGELOG.md)."
