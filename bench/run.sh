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
    # Maven's output goes to stderr: stdout is the report.
    mvn -B -q -Dstyle.color=never -DskipTests package >&2
    # Test scope: the bench drives picspace with the real Taobao client, a test dependency.
    mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile="$out/classpath.txt" >&2
fi
rm -rf "$out/classes"
# The hand-written TOP request/response classes are the tests' own: compiled here, not copied.
javac -nowarn -encoding UTF-8 -d "$out/classes" -cp "target/classes:$(cat "$out/classpath.txt")" \
    $(find bench/src/main/java -name '*.java') src/test/java/dev/picspace/topclient/*.java
export BENCH_CLASSPATH="$out/classes:target/classes:$(cat "$out/classpath.txt")"

# The in-process benchmarks run server and clients in one JVM: a fixed heap (no resizing during a
# run) and the throughput collector, as for the served jar (README "Benchmarks"). The ingest
# heap holds every distinct picture it sends, generated before timing (2 × 600 × 2 MB at most).
# The NOP status listener keeps logback's own start-up chatter out of the report.
jvm_common="-XX:+UseParallelGC -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener"

results="$out/results-$(date -u +%Y-%m-%dT%H%M%SZ).md"
{
    echo "# picspace benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    changes="$(git status --porcelain -- src pom.xml | sed -E 's/^...//' | paste -sd, - | sed 's/,/, /g')"
    echo "Commit $(git rev-parse --short HEAD)${changes:+ plus local changes to $changes}; $(nproc) cores; $(java -version 2>&1 | head -1); $(uname -sr)."
    echo
} > "$results"

# Other work on the machine shows in every figure; say how busy it was when each part started.
note_load() { echo "_Load average when this part started: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores; anything above ~0.5 is someone else's work)._" >>"$results"; echo >>"$results"; }

run_java() { # heap, main class, log name, arguments…
    local heap="$1" main="$2" log="$out/logs/$3.log" started=$SECONDS
    shift 3
    echo "running $main (log: $log)…" >&2
    note_load
    if ! java "-Xms$heap" "-Xmx$heap" $jvm_common -cp "$BENCH_CLASSPATH" "$main" "$@" >>"$results" 2>"$log"; then
        echo "$main failed; the end of its log:" >&2
        tail -n 40 "$log" >&2
        exit 1
    fi
    echo "$main took $((SECONDS - started)) s" >&2
    echo "_This part took $((SECONDS - started)) s._" >>"$results"; echo >>"$results"
}

if [[ "$part" == ingest || "$part" == all ]]; then run_java 4g dev.picspace.bench.IngestBench ingest; fi
if [[ "$part" == query || "$part" == all ]]; then run_java 2g dev.picspace.bench.QueryBench query "$out/query-db"; fi
if [[ "$part" == serve || "$part" == all ]]; then
    started=$SECONDS
    note_load
    if ! bash bench/serve.sh >>"$results" 2> >(tee "$out/logs/serve.log" >&2); then
        echo "bench/serve.sh failed (log: $out/logs/serve.log, bench/out/serve/)" >&2
        exit 1
    fi
    echo "serve took $((SECONDS - started)) s" >&2
    echo "_This part took $((SECONDS - started)) s._" >>"$results"; echo >>"$results"
fi

cat "$results"
echo >&2
echo "results written to $results" >&2
