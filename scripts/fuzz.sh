#!/usr/bin/env bash
# Fuzz every target with cargo fuzz (libFuzzer, nightly) for SECONDS each (default
# 300) and print, per target, the executions, coverage and corpus size libFuzzer
# reports. Seeds come from fuzz/seeds/<target>; what a run adds goes to
# fuzz/corpus/<target> (not committed); a crash stops the script, its input is in
# fuzz/artifacts/<target>/ and becomes a file in fuzz/regressions/<target>/ (replayed
# by `cargo test --test fuzz_regressions`).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
# Needs: the nightly toolchain and `cargo install cargo-fuzz`.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-300}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(request response record_batch segment format props config coordinator_records sasl)
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is missing: cargo install cargo-fuzz"; exit 1; }
cargo +nightly fuzz build -O >/dev/null
total=0
for t in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  log=$(mktemp)
  if ! cargo +nightly fuzz run -O "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
      -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz target $t CRASHED: see fuzz/artifacts/$t/"
    exit 1
  fi
  runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
  cov=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 | sed -E 's/.*cov: ([0-9]+).*ft: ([0-9]+).*corp: ([0-9]+).*/cov \1, features \2, corpus \3/')
  printf '%-13s %12s execs in %5s s  %s  crashes 0\n' "$t" "$runs" "$SECONDS_EACH" "$cov"
  total=$((total + runs))
  rm -f "$log"
done
echo "total: $total executions, 0 crashes"
