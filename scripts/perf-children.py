#!/usr/bin/env python3
# rolecall — SPDX-License-Identifier: Apache-2.0
"""Where a function's time goes: reads `perf script` output and counts, for every sample whose stack holds a frame
matching FUNCTION (a substring of the mangled Swift name), the frame directly below it.

  perf record -F 2000 -g -o /tmp/perf.data .build/release/rolecall paths --from sa:ns:app --db XL.db
  perf script -i /tmp/perf.data > /tmp/perf.txt
  scripts/perf-children.py /tmp/perf.txt RolecallDatabaseC6policy 15

`perf report --children` sums a frame over every thread, which hides which callee of one function is the cost;
this answers that question only. Samples count CPU work, so they compare two builds better than wall time does on a
busy machine."""
import collections
import re
import sys


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path, function = sys.argv[1], sys.argv[2]
    most = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    children: collections.Counter = collections.Counter()
    matched = total = 0
    for sample in open(path, encoding="utf-8", errors="replace").read().split("\n\n"):
        lines = [line.strip() for line in sample.split("\n")[1:] if line.strip()]
        if not lines:
            continue
        total += 1
        # Each line is "ADDRESS SYMBOL+OFFSET (OBJECT)", the leaf first.
        frames = [re.sub(r"\+0x[0-9a-f]+.*", "", line.split(" ", 1)[-1]) for line in lines]
        hits = [i for i, frame in enumerate(frames) if function in frame]
        if not hits:
            continue
        matched += 1
        innermost = min(hits)
        children[frames[innermost - 1] if innermost > 0 else "(its own code)"] += 1
    print(f"{matched} of {total} samples hold {function}")
    for frame, count in children.most_common(most):
        print(f"{count:7d}  {frame[:160]}")


if __name__ == "__main__":
    main()
