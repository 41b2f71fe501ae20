#!/usr/bin/env bash
# End-to-end figures for the README: the release binary on synthetic clusters of sizes S, M and XL.
# Wall time and peak memory come from /usr/bin/time; who-can is the median of 20 cold process runs.
set -euo pipefail
bin=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

measure() {  # measure LABEL CMD... -> "seconds peak_kib" on stdout, command output discarded
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
  cat "$tmp/time"
}

echo "| size | objects | ingest s | ingest peak MiB | can-i --batch requests | batch s | requests/s | batch peak MiB | who-can median ms | who-can -A median ms | audit s | audit peak MiB | paths s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for size in S M XL; do
  dir=$data/$size
  db=$tmp/$size.db
  objects=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['items']))" "$dir/cluster.json")
  read -r ingest_s ingest_kb < <(measure "$bin" ingest "$dir/cluster.json" --db "$db" --snapshot bench -q)
  lines=$(wc -l < "$dir/can-i.jsonl")
  read -r batch_s batch_kb < <(measure "$bin" can-i --batch "$dir/can-i.jsonl" --db "$db")
  rate=$(python3 -c "print(int($lines / max($batch_s, 0.01)))")
  ns=$(python3 -c "import json,sys; print(next(i['metadata']['name'] for i in json.load(open(sys.argv[1]))['items'] if i['kind']=='Namespace'))" "$dir/cluster.json")
  median() {
    for _ in $(seq 20); do
      s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))
    done | sort -n | sed -n 10p
  }
  whocan=$(median "$bin" who-can get secrets -n "$ns" --db "$db")
  whocan_all=$(median "$bin" who-can create pods -A --db "$db")
  # audit exits 1 when it has findings; that is its answer, not a failure.
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" audit --db "$db" >/dev/null 2>&1 || true
  # time(1) puts "Command exited with non-zero status" before its figures: read the last line.
  read -r audit_s audit_kb < <(tail -n 1 "$tmp/time")
  sa=$(python3 -c "import json,sys; print(next(i['metadata']['namespace']+':'+i['metadata']['name'] for i in json.load(open(sys.argv[1]))['items'] if i['kind']=='ServiceAccount'))" "$dir/cluster.json")
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" paths --from "sa:$sa" --db "$db" >/dev/null 2>&1 || true
  read -r paths_s _ < <(tail -n 1 "$tmp/time")
  echo "| $size | $objects | $ingest_s | $((ingest_kb / 1024)) | $lines | $batch_s | $rate | $((batch_kb / 1024)) | $whocan | $whocan_all | $audit_s | $((audit_kb / 1024)) | $paths_s |"
done

# diff on XL: a pull request laid over the cluster (fixtures/ci/pr-42.yaml, plus a new cluster-admin service account
# that every workload creator can now become: thousands of changed paths), and two unrelated XL clusters (another
# seed), where every subject's permissions differ: the worst case.
db=$tmp/XL.db
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
python3 scripts/synth-cluster.py --size XL --seed 2 --out "$tmp/XL2" >/dev/null
"$bin" ingest "$tmp/XL2/cluster.json" --snapshot other --db "$db" -q
read -r pr_s pr_kb < <(measure "$bin" diff bench pr --db "$db")
read -r admin_s admin_kb < <(measure "$bin" diff bench pr-admin --db "$db")
read -r other_s other_kb < <(measure "$bin" diff bench other --db "$db")
echo
echo "diff XL: pull request ${pr_s} s ($((pr_kb / 1024)) MiB); new cluster-admin account ${admin_s} s ($((admin_kb / 1024)) MiB); two unrelated XL clusters ${other_s} s ($((other_kb / 1024)) MiB)"
