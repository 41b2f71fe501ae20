#!/usr/bin/env bash
# synth-once.sh DIR GENERATOR_ARGS...: writes the synthetic cluster (scripts/synth-cluster.py) into DIR unless DIR
# already holds that exact cluster (its ARGS file names the generator's arguments).
set -euo pipefail
dir=$1
shift
want="$*"
if [ "$(cat "$dir/ARGS" 2>/dev/null)" != "$want" ]; then
  rm -rf "$dir"
  python3 "$(dirname "$0")/synth-cluster.py" "$@" --out "$dir" >/dev/null 2>&1
  echo "$want" > "$dir/ARGS"
fi
