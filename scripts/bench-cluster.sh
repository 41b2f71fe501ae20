#!/usr/bin/env bash
# rolecall — SPDX-License-Identifier: Apache-2.0
# Times `rolecall ingest --cluster` through the real kubectl against scripts/fake-apiserver.py serving a synthetic
# cluster: the whole run, rolecall's own split (--timings: fetch, decode, normalize, write), and kubectl alone.
#   scripts/bench-cluster.sh BINARY CLUSTER.json
set -euo pipefail
bin=$1
objects=$2
dir=$(mktemp -d)
trap 'exec 3>&-; rm -rf "$dir"' EXIT

# The server exits when this script closes fd 3 (its stdin), or after 20 minutes.
exec 3> >(python3 "$(dirname "$0")/fake-apiserver.py" --objects "$objects" --lifetime 1200 > "$dir/port")
for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
port=$(awk '{print $2}' "$dir/port")
cat > "$dir/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster: {server: "https://127.0.0.1:$port", insecure-skip-tls-verify: true}
users:
- name: tester
  user: {token: good-token}
contexts:
- name: bench
  context: {cluster: fake, user: tester}
current-context: bench
YAML
export KUBECACHEDIR=$dir/cache

echo "kubectl alone (-o json, every kind, discarded):"
start=$(date +%s.%N)
for r in clusterroles clusterrolebindings roles rolebindings serviceaccounts namespaces; do
  kubectl --kubeconfig "$dir/kubeconfig" get "$r" -A --chunk-size 500 -o json > /dev/null
done
echo "  $(echo "$(date +%s.%N) - $start" | bc) s for the six RBAC, ServiceAccount and Namespace lists"

echo "rolecall ingest --cluster:"
/usr/bin/time -f "  wall %e s, peak %M KiB" "$bin" ingest --cluster --kubeconfig "$dir/kubeconfig" \
  --db "$dir/bench.db" --timings -q
