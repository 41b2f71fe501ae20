#!/usr/bin/env bash
# rolecall — SPDX-License-Identifier: Apache-2.0
#
# Fuzzes ingest with libFuzzer for FUZZ_SECONDS (default 60): builds Fuzz/ with the fuzzer and AddressSanitizer,
# seeds a corpus from every fixture (whole files, and each YAML document of them on its own), runs, and prints how
# many inputs ran. A crash, a hang (an input taking more than FUZZ_TIMEOUT seconds), a leak or a memory error stops
# the run with libFuzzer's report and the input saved under .build-fuzz/artifacts/; the exit status is then non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
timeout=${FUZZ_TIMEOUT:-10}
jobs=${FUZZ_JOBS:-1}
scratch=.build-fuzz
config=${FUZZ_CONFIG:-release}

swift build --package-path Fuzz --scratch-path "$scratch/build" -c "$config" \
  --sanitize=fuzzer --sanitize=address 2>&1 | grep -v "Cannot export local symbol" >&2
bin=$("$(command -v swift)" build --package-path Fuzz --scratch-path "$scratch/build" -c "$config" \
  --sanitize=fuzzer --sanitize=address --show-bin-path)/FuzzIngest

seeds="$scratch/seeds"
rm -rf "$seeds"
mkdir -p "$seeds" "$scratch/corpus" "$scratch/artifacts"
python3 - "$seeds" <<'PY'
import hashlib, pathlib, re, sys
out = pathlib.Path(sys.argv[1])
def seed(data):
    if 0 < len(data) <= 64 * 1024:
        (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
for path in sorted(pathlib.Path("fixtures").rglob("*")):
    if path.suffix not in (".yaml", ".yml", ".json"):
        continue
    data = path.read_bytes()
    seed(data)
    if path.suffix != ".json":
        for doc in re.split(rb"(?m)^---[^\n]*\n", data):
            seed(doc)
PY
echo "fuzz: $(ls "$seeds" | wc -l) seeds from fixtures/, $seconds s, $jobs job(s), $timeout s per input" >&2

# Swift's own backtracer would hold a crashing input for up to 30 s; libFuzzer reports crashes itself.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
parallel=()
if [ "$jobs" -gt 1 ]; then parallel=(-fork="$jobs"); fi
status=0
"$bin" "$scratch/corpus" "$seeds" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix="$scratch/artifacts/" "${parallel[@]}" \
  2> "$scratch/fuzz.log" || status=$?
grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^(INFO: Running with|Done )" \
  "$scratch/fuzz.log" >&2 || true
if [ "$status" -ne 0 ]; then
  grep -E "ERROR|SUMMARY|Test unit written|==[0-9]+==" "$scratch/fuzz.log" | head -20 >&2
  echo "fuzz: FAILED (exit $status); full log in $scratch/fuzz.log" >&2
  exit "$status"
fi
echo "fuzz: no crash, hang, leak or memory error in $seconds s (log: $scratch/fuzz.log)" >&2
