#!/usr/bin/env bash
# End-to-end figures for the README: the release binary on the benchmark clusters (scripts/bench-data.sh), every one
# with workloads: pods and controllers running as service accounts, token and other Secrets, aws-auth, Pod Security
# labels, resourceNames on real objects, and namespace-wide and cluster-wide grants of every escalation primitive.
# Wall time and peak memory of the whole process come from /usr/bin/time; who-can is the median of 20 cold runs;
# paths is the slowest of several identities (service accounts, a user, a group, one that reaches everything), each
# question timed as the median of three cold runs. Ingest, audit and diff are the median of three runs too (memory the
# highest of the three): a single run on a VM picks up its neighbours' spikes.
set -euo pipefail
bin=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

measure() {  # measure CMD... -> "seconds peak_kib" on stdout; a non-zero exit that is an answer (1) is accepted
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || [ $? -eq 1 ] || { cat "$tmp/err" >&2; exit 1; }
  # time(1) puts "Command exited with non-zero status" before its figures: read the last line.
  tail -n 1 "$tmp/time"
}
median() {
  for _ in $(seq 20); do
    s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))
  done | sort -n | sed -n 10p
}
mib() { echo $(( $1 / 1024 )); }
# median3 SETUP CMD... -> "median_seconds highest_peak_kib": three runs of CMD, SETUP (a shell command, or :) before
# each.
median3() {
  local setup=$1
  shift
  local runs=() peak=0 s kb
  for _ in 1 2 3; do
    eval "$setup"
    read -r s kb < <(measure "$@")
    runs+=("$s")
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  echo "$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p) $peak"
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
echo
echo "| cluster | objects | pods | ingest s | ingest MiB | audit s | audit MiB | paths max s | who-can ms | who-can -A ms | can-i req/s | batch MiB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
declare -A ingest_s audit_s
for name in S M XL XL-seed2 XL-dense XL-pods50k; do
  dir=$data/$name
  db=$tmp/$name.db
  read -r objects pods < <(python3 -c "
import json,sys
items=json.load(open(sys.argv[1]))['items']
print(len(items), sum(1 for i in items if i['kind']=='Pod'))" "$dir/cluster.json")
  read -r ingest ingest_kb < <(median3 "rm -f '$db' '$db-wal' '$db-shm'" "$bin" ingest "$dir/cluster.json" --db "$db" --snapshot bench -q)
  ingest_s[$name]=$ingest
  read -r audit audit_kb < <(median3 : "$bin" audit --db "$db")
  audit_s[$name]=$audit
  # Identities to ask paths of: the first service accounts, one that holds pods/exec cluster-wide, a user, a group.
  mapfile -t froms < <(python3 - "$dir/cluster.json" <<'PY'
import json, sys
items = json.load(open(sys.argv[1]))['items']
sas = [i for i in items if i['kind'] == 'ServiceAccount']
out = ['sa:%s:%s' % (s['metadata']['namespace'], s['metadata']['name']) for s in sas[:3]]
for b in items:
    if b['kind'] == 'ClusterRoleBinding':
        for s in b.get('subjects') or []:
            if s['kind'] == 'ServiceAccount':
                out.append('sa:%s:%s' % (s['namespace'], s['name'])); break
            if s['kind'] == 'User' and not any(o.startswith('user:') for o in out):
                out.append('user:' + s['name'])
            if s['kind'] == 'Group' and not any(o.startswith('group:') for o in out):
                out.append('group:' + s['name'])
    if len(out) >= 8: break
print('\n'.join(out))
PY
)
  worst=0
  for from in "${froms[@]}"; do
    for to in cluster-admin node; do
      # The median of three runs of each question: a single run on a VM picks up its neighbours' spikes.
      runs=()
      for _ in 1 2 3; do read -r s _ < <(measure "$bin" paths --from "$from" --to "$to" --db "$db"); runs+=("$s"); done
      s=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)
      worst=$(python3 -c "print(max($worst, $s))")
    done
  done
  ns=$(python3 -c "import json,sys; print(next(i['metadata']['name'] for i in json.load(open(sys.argv[1]))['items'] if i['kind']=='Namespace'))" "$dir/cluster.json")
  whocan=$(median "$bin" who-can get secrets -n "$ns" --db "$db")
  whocan_all=$(median "$bin" who-can create pods -A --db "$db")
  lines=$(wc -l < "$dir/can-i.jsonl")
  read -r batch batch_kb < <(measure "$bin" can-i --batch "$dir/can-i.jsonl" --db "$db")
  rate=$(python3 -c "print(int($lines / max($batch, 0.01)))")
  echo "| $name | $objects | $pods | $ingest | $(mib "$ingest_kb") | $audit | $(mib "$audit_kb") | $worst | $whocan | $whocan_all | $rate | $(mib "$batch_kb") |"
  [ "$name" = XL ] && cp "$db" "$tmp/keep-XL.db"
done

echo
objs() { python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['items']))" "$data/$1/cluster.json"; }
python3 - "$(objs M)" "$(objs XL)" "${ingest_s[M]}" "${ingest_s[XL]}" "${audit_s[M]}" "${audit_s[XL]}" <<'PY'
import sys
mo, xo, mi, xi, ma, xa = map(float, sys.argv[1:])
print(f"growth M -> XL: {xo / mo:.1f}x the objects; ingest {xi / mi:.1f}x the time, audit {xa / ma:.1f}x the time")
PY

# diff: a pull request laid over XL (fixtures/ci/pr-42.yaml), a new cluster-admin account that every workload creator
# can now become (thousands of changed paths), and two unrelated XL clusters (seed 1 and seed 2), the worst case.
db=$tmp/keep-XL.db
"$bin" ingest fixtures/ci/pr-42.yaml --base bench --snapshot pr --db "$db" -q
cat > "$tmp/admin.yaml" <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: deployer, namespace: ci}
YAML
"$bin" ingest "$tmp/admin.yaml" --base bench --snapshot pr-admin --db "$db" -q
"$bin" ingest "$data/XL-seed2/cluster.json" --snapshot other --db "$db" -q
read -r pr_s pr_kb < <(median3 : "$bin" diff bench pr --db "$db")
read -r admin_s admin_kb < <(median3 : "$bin" diff bench pr-admin --db "$db")
read -r other_s other_kb < <(median3 : "$bin" diff bench other --db "$db")
echo "diff XL: pull request ${pr_s} s ($(mib "$pr_kb") MiB); new cluster-admin account ${admin_s} s ($(mib "$admin_kb") MiB); two unrelated XL clusters ${other_s} s ($(mib "$other_kb") MiB)"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
