#!/usr/bin/env bash
# Start-up of a CLI call with and without the class-data archive the build makes (BENCHMARKS.md):
# the same calls, alternated, so a busy machine slows both alike. e.g. bench/cli-startup.sh --rounds 10
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

rounds=10
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds)
      [ $# -ge 2 ] || { echo "bench: --rounds needs a number, e.g. --rounds 10" >&2; exit 2; }
      rounds="$2"; shift 2 ;;
    *) echo "bench: unknown option '$1' (expected: --rounds N)" >&2; exit 2 ;;
  esac
done
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
  echo "bench: --rounds $rounds (expected: a whole number > 0)" >&2
  exit 2
fi

command -v mvn >/dev/null || { echo "bench: Maven (mvn) is needed (apt-get install maven)" >&2; exit 1; }
(cd "$root" && mvn -B -q -DskipTests -Dspotless.check.skip=true -pl dist -am package) >&2
jar="$root/dist/target/cuttle.jar"
archive="$root/dist/target/cuttle.jsa"
[ -f "$archive" ] || { echo "bench: the build made no $archive" >&2; exit 1; }

# One call that fails fast the way a call to a down server does (a closed loopback port), and one
# that does nothing but print the version.
calls=("fleet list --server https://127.0.0.1:1 --api-key bench" "--version")

millis() {
  local started ended
  started=$(date +%s%N)
  # shellcheck disable=SC2086
  java -XX:+ExitOnOutOfMemoryError "$@" >/dev/null 2>&1 || true
  ended=$(date +%s%N)
  echo $(( (ended - started) / 1000000 ))
}

# Prints "p50 N ms  max N ms" of the numbers on stdin.
summary() {
  sort -n | awk '{ v[NR] = $1 } END { p = int((NR + 1) / 2); printf "p50 %d ms  max %d ms  (%d calls)", v[p], v[NR], NR }'
}

uptime >&2
for call in "${calls[@]}"; do
  without=()
  with=()
  for ((i = 0; i < rounds; i++)); do
    # shellcheck disable=SC2206
    args=($call)
    without+=("$(millis -jar "$jar" "${args[@]}")")
    with+=("$(millis -XX:SharedArchiveFile="$archive" "-Xlog:cds*=off" -jar "$jar" "${args[@]}")")
  done
  echo "cuttle $call"
  echo "  without the archive: $(printf '%s\n' "${without[@]}" | summary)"
  echo "  with the archive:    $(printf '%s\n' "${with[@]}" | summary)"
done
