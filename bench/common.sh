# Shared by the bench scripts: build once without tests, then run a bench main class on the
# module's classpath, so Maven is not part of what is measured.

build_bench() {
  local root="$1"
  command -v mvn >/dev/null || { echo "bench: Maven (mvn) is needed (apt-get install maven)" >&2; exit 1; }
  (cd "$root" && mvn -B -q -DskipTests -Dspotless.check.skip=true -pl bench -am package) >&2
}

# Each idle connection through a proxy holds two sockets; processes inherit this limit.
raise_file_limit() {
  local hard
  hard="$(ulimit -Hn)"
  if [ "$hard" != unlimited ] && [ "$hard" -lt 65536 ]; then
    echo "bench: this machine allows at most $hard open files per process; figures for 10,000" \
         "connections are scaled from the largest count that fits (BENCHMARKS.md)" >&2
    ulimit -n "$hard"
  else
    ulimit -n 65536
  fi
}

run_bench() {
  local root="$1" main="$2"
  shift 2
  local classpath="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
  uptime >&2
  exec java ${BENCH_JAVA_OPTS:-} -cp "$classpath" "$main" "$@"
}
