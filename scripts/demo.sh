#!/usr/bin/env bash
# Asks a few real questions of the demo snapshot: `make demo` runs it after ingesting the bundled fixtures.
set -uo pipefail
bin=$1
db=$2
ask() {
  echo
  echo "\$ rolecall $*"
  "$bin" "$@" --db "$db"
  local status=$?
  [ "$status" -le 1 ] || exit "$status"
}
echo
echo "# Who can read Secrets in kube-system, and through which binding?"
ask who-can get secrets -n kube-system
echo
echo "# Can the ClusterRole aggregation controller escalate? (it can: that is how aggregation works)"
ask can-i escalate clusterroles.rbac.authorization.k8s.io --as system:serviceaccount:kube-system:clusterrole-aggregation-controller --explain
echo
echo "# May cert-manager's controller read Secrets in another team's namespace?"
ask can-i get secrets -n payments --as system:serviceaccount:cert-manager:cert-manager -o wide
echo
echo "# Everything the ingress-nginx controller can do, and why"
ask perms sa:ingress-nginx:ingress-nginx -o wide
echo
echo "# What does an anonymous request get?"
ask can-i --list --as system:anonymous
echo
echo "# Who can become cluster-admin, and how? (service accounts first, then users and groups)"
ask audit
echo
echo "# The path behind one of them, step by step with evidence"
ask paths --from user:system:kube-controller-manager --limit 1
echo
echo "# Can the CI builder reach a node? (privileged pods are allowed where Pod Security does not enforce)"
ask paths --from sa:ci:builder --to node
echo
echo "# Subjects with cluster-admin power"
ask query cluster-admins
echo
echo "# Bindings that grant to everyone"
ask query public-bindings
echo
echo "# A pull request laid over the cluster (fixtures/ci/pr-42.yaml, see docs/ci.md): does the team's policy hold?"
ask ingest fixtures/ci/pr-42.yaml --base demo --snapshot pr-42 --label git=pr-42 -q
ask check fixtures/ci/policy.yaml --snapshot pr-42
echo
echo "# ... and what would it change? (exit 1: --fail-on found new escalation paths)"
ask diff demo pr-42 --fail-on new-paths
echo
ask snapshots
