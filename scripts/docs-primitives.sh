#!/usr/bin/env bash
# Writes docs/primitives.md from the catalog in Sources/RBACGraph/Primitives (`rolecall primitives -o wide`).
# `make docs` runs it; a test fails when the file and the catalog differ.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/rolecall}
{
  echo "# Escalation primitives"
  echo
  echo "Generated from Sources/RBACGraph/Primitives by \`make docs\`. Do not edit: edit the primitive and regenerate."
  echo
  echo '```'
  "$bin" primitives -o wide
  echo '```'
} > docs/primitives.md
