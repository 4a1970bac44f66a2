#!/usr/bin/env bash
# Latency of an authenticated API call on a quiet `cuttle server` and during a flood of logins
# (BENCHMARKS.md), e.g. bench/login-flood.sh --flooders 48 --logins 20 --samples 200.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/common.sh"
build_bench "$root"
run_bench "$root" io.cuttle.bench.LoginFloodBench "$@"
