#!/usr/bin/env bash
# JMH microbenchmarks of the router's hot paths (BENCHMARKS.md). Any JMH option is passed through,
# e.g. bench/micro.sh -f 1 -wi 3 -i 5 -r 1s ClientHello
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/common.sh"
build_bench "$root"
run_bench "$root" io.cuttle.bench.Microbenchmarks "$@"
