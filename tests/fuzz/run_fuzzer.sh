#!/usr/bin/env bash
# run_fuzzer.sh FUZZER REGRESSIONS_DIR SECONDS
# Replays every regression input, then fuzzes for SECONDS from a fresh corpus seeded with them.
# A crash leaves its input in the working directory (crash-*): copy it into REGRESSIONS_DIR.
set -euo pipefail
fuzzer="$1" regressions="$2" seconds="$3"
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
"$fuzzer" -runs=0 "$regressions"
exec "$fuzzer" -max_total_time="$seconds" -seed=1 -max_len=4096 -timeout=10 "$corpus" "$regressions"
