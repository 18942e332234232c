#!/usr/bin/env bash
# run_fuzzer.sh FUZZER REGRESSIONS_DIR SECONDS [SEED_DIR] [DICT]
# Replays every regression input, then fuzzes for SECONDS from a fresh corpus seeded with them (and
# with SEED_DIR's valid inputs), mutating with DICT's tokens when given.
# A crash leaves its input in the working directory (crash-*): copy it into REGRESSIONS_DIR.
set -euo pipefail
fuzzer="$1" regressions="$2" seconds="$3" seeds="${4:-}" dict="${5:-}"
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
"$fuzzer" -runs=0 "$regressions"
extra=()
[[ -n "$seeds" ]] && extra+=("$seeds")
flags=()
[[ -n "$dict" ]] && flags+=("-dict=$dict")
exec "$fuzzer" -max_total_time="$seconds" -seed=1 -max_len=4096 -timeout=10 ${flags[@]+"${flags[@]}"} \
  "$corpus" "$regressions" ${extra[@]+"${extra[@]}"}
