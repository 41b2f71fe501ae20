#!/usr/bin/env bash
# Generates the benchmark clusters into DIR (default bench-data), each in its own folder, unless the folder already
# holds that exact cluster (its ARGS file names the generator's arguments): S, M, XL with workloads, XL-dense (most
# identities hold pods/exec, pod updates or secret reads somewhere), XL-pods50k, and XL-seed2 (another XL cluster,
# for diffing two unrelated clusters).
set -euo pipefail
out=${1:-bench-data}
for spec in "S S realistic 1" "M M realistic 1" "XL XL realistic 1" "XL-dense XL dense 1" \
  "XL-pods50k XL pods50k 1" "XL-seed2 XL realistic 2"; do
  set -- $spec
  "$(dirname "$0")/synth-once.sh" "$out/$1" --size "$2" --shape "$3" --seed "$4"
done
