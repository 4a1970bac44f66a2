#!/usr/bin/env bash
# The router side by side with HAProxy and nginx (BENCHMARKS.md). Builds the bench module, raises
# the file limit for the thousands of idle connections, then runs RouterBench with any settings
# given, e.g. bench/router.sh --rounds 3 --seconds 5 --idle 5000.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/common.sh"
build_bench "$root"
raise_file_limit
run_bench "$root" io.cuttle.bench.RouterBench "$@"
