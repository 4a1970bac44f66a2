#!/usr/bin/env bash
# Many simulated tentacles through `cuttle router` to one `cuttle server` (BENCHMARKS.md), e.g.
# bench/server-scale.sh --tentacles 1000,10000 --seconds 10. One router process per 8,000
# tentacles shares the port (reusePort). The simulator's JVM holds one client per tentacle: give
# it room with BENCH_JAVA_OPTS (default -Xmx4g).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/common.sh"
build_bench "$root"
raise_file_limit
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx4g}" run_bench "$root" io.cuttle.bench.ServerScaleBench "$@"
