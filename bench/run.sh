#!/usr/bin/env bash
# Benchmarks of issue 7: ssekit (Tomcat, Jetty) against SseEmitter, WebFlux and a raw servlet baseline.
#   ./bench/run.sh [quick|full] [server ...]
# quick: reduced sizes and durations of every scenario (< 5 min); full: the sizes of issue 7 (< 40 min);
# charts: only draw the charts again from docs/benchmarks/broadcast.csv.
# Writes docs/benchmarks.md, docs/benchmarks/*.csv and *.png; logs in sse-benchmarks/target/run/.
# Optional server names (raw ssekit-tomcat ssekit-jetty emitter webflux vt jmh) run only those.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-quick}"
shift || true
case "$mode" in quick|full|charts) ;; *) echo "usage: $0 [quick|full|charts] [server ...]" >&2; exit 2 ;; esac

echo "Building the benchmark modules (-Pbench)..."
./mvnw -B -q -Pbench -DskipTests package \
	-pl sse-benchmarks/bench-servlet,sse-benchmarks/bench-webflux,sse-benchmarks/bench-loadgen,sse-benchmarks/bench-jmh -am

ulimit -n 20000 2>/dev/null || true
cp="sse-benchmarks/bench-loadgen/target/classes:$(cat sse-benchmarks/bench-loadgen/target/classpath.txt)"
# BENCH_OPTS: e.g. -Dbench.port=28080 -Dbench.jfr=true -Dbench.scenarios=broadcast -Dbench.baseline=../other-checkout -Dbench.docs=/tmp/bench
exec java -Xmx512m -Djava.awt.headless=true ${BENCH_OPTS:-} -cp "$cp" io.github.ssekit.bench.load.Runner "$mode" "$@"
