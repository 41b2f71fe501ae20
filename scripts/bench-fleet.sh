#!/usr/bin/env bash
# Fleet figures for the README, on SQLite: N clusters of M's size (default 100), each generated from its own seed
# (every fourth one dense) and ingested with its own labels (cluster, env, region) into one database, then the
# fleet questions timed as the median of three runs: who-can in one namespace and can-i across every cluster, the
# audit summary, paths, and prune. Usage: scripts/bench-fleet.sh BIN DATA_DIR [N]
set -euo pipefail
bin=$1
data=$2
n=${3:-100}
[ "$n" -ge 4 ] || { echo "bench-fleet: at least 4 clusters (one of each env)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/fleet.db

envs=(prod staging dev qa)
regions=(eu us ap)
start=$(date +%s.%N)
for i in $(seq 1 "$n"); do
  shape=realistic
  [ $((i % 4)) = 0 ] && shape=dense
  "$(dirname "$0")/synth-once.sh" "$data/fleet/M-$shape-$i" --size M --shape "$shape" --seed $((1000 + i))
done
generated=$(date +%s.%N)
for i in $(seq 1 "$n"); do
  shape=realistic
  [ $((i % 4)) = 0 ] && shape=dense
  "$bin" ingest "$data/fleet/M-$shape-$i/cluster.json" --snapshot "c$i" --label "cluster=c$i" \
    --label "env=${envs[$((i % 4))]}" --label "region=${regions[$((i % 3))]}" --db "$db" -q
done
ingested=$(date +%s.%N)

median3() {  # median3 CMD... -> "median_seconds highest_peak_kib"
  local runs=() peak=0 s kb
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
    read -r s kb < <(tail -n 1 "$tmp/time")
    runs+=("$s")
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  echo "$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p) $((peak / 1024))"
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
python3 -c "import sys; s, g, e, n = map(float, sys.argv[1:]); print(f'{int(n)} clusters of M: ingest {e - g:.1f} s in all ({(e - g) / n:.2f} s each); generating them took {g - s:.1f} s')" \
  "$start" "$generated" "$ingested" "$n"
echo "database: $(( $(stat -c %s "$db") / 1048576 )) MiB, $(( $(stat -c %s "$db") / n / 1024 )) KiB per snapshot"
echo
echo "| question | clusters | seconds | peak MiB |"
echo "|---|---|---|---|"
row() { local label=$1 clusters=$2; shift 2; read -r s mib < <(median3 "$@"); echo "| \`$label\` | $clusters | $s | $mib |"; }
row "who-can get secrets -n kube-system --clusters all" "$n" "$bin" who-can get secrets -n kube-system --clusters all --db "$db"
row "who-can get secrets -n kube-system --clusters env=prod" "$(( n / 4 ))" "$bin" who-can get secrets -n kube-system --clusters env=prod --db "$db"
row "can-i create pods/exec -n kube-system --as nobody --clusters all" "$n" \
  "$bin" can-i create pods/exec -n kube-system --as nobody --clusters all --db "$db"
row "paths --from group:system:authenticated --clusters all" "$n" "$bin" paths --from group:system:authenticated --clusters all --db "$db"
row "audit --clusters all" "$n" "$bin" audit --clusters all --db "$db"
cp "$db" "$tmp/prune.db"
row "snapshots prune --keep-daily 1 --dry-run" "$n" "$bin" snapshots prune --keep-daily 1 --dry-run --db "$tmp/prune.db"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
