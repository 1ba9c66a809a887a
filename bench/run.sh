#!/usr/bin/env bash
# picspace benchmarks: bench/run.sh [ingest|query|serve|all]
#
# Builds picspace, compiles the bench code beside it (never part of the Maven build), runs the
# chosen parts against 127.0.0.1 only, prints one markdown report and keeps it in
# bench/out/results-<date>.md. Every figure is set beside a reference measured in the same run.
set -euo pipefail

part="${1:-all}"
case "$part" in ingest|query|serve|all) ;; *) echo "usage: bench/run.sh [ingest|query|serve|all]" >&2; exit 2 ;; esac

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="bench/out"
mkdir -p "$out/logs"

echo "building picspace and the bench code…" >&2
# BENCH_SKIP_BUILD=1 reuses target/ as it is (for iterating on the bench code itself).
if [[ "${BENCH_SKIP_BUILD:-}" != 1 || ! -f target/picspace.jar || ! -f "$out/classpath.txt" ]]; then
    mvn -B -q -DskipTests package
    # Test scope: the bench drives picspace with the real Taobao client, a test dependency.
    mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" >/dev/null
fi
rm -rf "$out/classes"
# The hand-written TOP request/response classes are the tests' own: compiled here, not copied.
javac -nowarn -encoding UTF-8 -d "$out/classes" -cp "target/classes:$(cat "$out/classpath.txt")" \
    $(find bench/src/main/java -name '*.java') src/test/java/dev/picspace/topclient/*.java
export BENCH_CLASSPATH="$out/classes:target/classes:$(cat "$out/classpath.txt")"

# The in-process benchmarks run server and clients in one JVM. A fixed heap (no resizing during
# a run) and the throughput collector; documented in README "Benchmarks".
# The NOP status listener keeps logback's own start-up chatter out of the report.
export BENCH_JVM_FLAGS="-Xms2g -Xmx2g -XX:+UseParallelGC -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener"

results="$out/results-$(date -u +%Y-%m-%dT%H%M%SZ).md"
{
    echo "# picspace benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src && echo '' || echo ' (src has local changes)'); $(nproc) cores; $(java -version 2>&1 | head -1); $(uname -sr)."
    echo
} > "$results"

run_java() { # main class, log name
    local main="$1" log="$out/logs/$2.log" started=$SECONDS
    echo "running $main (log: $log)…" >&2
    if ! java $BENCH_JVM_FLAGS -cp "$BENCH_CLASSPATH" "$main" >>"$results" 2>"$log"; then
        echo "$main failed; the end of its log:" >&2
        tail -n 40 "$log" >&2
        exit 1
    fi
    echo "$main took $((SECONDS - started)) s" >&2
}

if [[ "$part" == ingest || "$part" == all ]]; then run_java dev.picspace.bench.IngestBench ingest; fi
if [[ "$part" == query || "$part" == all ]]; then run_java dev.picspace.bench.QueryBench query; fi
if [[ "$part" == serve || "$part" == all ]]; then
    started=$SECONDS
    bash bench/serve.sh >>"$results" 2> >(tee "$out/logs/serve.log" >&2)
    echo "serve took $((SECONDS - started)) s" >&2
fi

cat "$results"
echo >&2
echo "results written to $results" >&2
