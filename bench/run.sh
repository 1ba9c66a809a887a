#!/usr/bin/env bash
# picspace benchmarks: [BENCH_STORES=embedded|pg-s3|embedded,pg-s3] bench/run.sh [ingest|query|vod|serve|derive|all]
#
# Builds picspace, compiles the bench code beside it (never part of the Maven build), runs the
# chosen parts against 127.0.0.1 only, prints one markdown report and keeps it in
# bench/out/results-<date>.md. Every figure is set beside a reference measured in the same run.
#
# BENCH_STORES chooses what picspace runs on in ingest, query and vod: "embedded" (the default:
# SQLite + files), "pg-s3" (one embedded PostgreSQL, zonky's binaries as in the tests, and one
# in-process S3Proxy: PostgreSQL + S3 on this machine), or both, comma-separated, one after the
# other. serve and derive run on the embedded default only.
set -euo pipefail

part="${1:-all}"
case "$part" in ingest|query|vod|serve|derive|all) ;; *) echo "usage: [BENCH_STORES=embedded|pg-s3|embedded,pg-s3] bench/run.sh [ingest|query|vod|serve|derive|all]" >&2; exit 2 ;; esac
stores="${BENCH_STORES:-embedded}"
for s in ${stores//,/ }; do
    case "$s" in embedded|pg-s3) ;; *) echo "BENCH_STORES: embedded, pg-s3 or embedded,pg-s3, not '$stores'" >&2; exit 2 ;; esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="bench/out"
mkdir -p "$out/logs"

echo "building picspace and the bench code…" >&2
# BENCH_SKIP_BUILD=1 reuses target/ as it is (for iterating on the bench code itself).
if [[ "${BENCH_SKIP_BUILD:-}" != 1 || ! -f target/picspace.jar || ! -f "$out/classpath.txt" ]]; then
    # Maven's output goes to stderr: stdout is the report.
    mvn -B -q -Dstyle.color=never -DskipTests package >&2
    # Test scope: the bench drives picspace with the real Taobao and VOD clients, test dependencies.
    mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile="$out/classpath.txt" >&2
fi
rm -rf "$out/classes"
# The hand-written TOP request/response classes and the S3Proxy fixture (pg-s3) are the tests' own:
# compiled here from their sources, not copied, and without the rest of target/test-classes (whose
# logback-test.xml would change what the server logs, and so its cost).
javac -nowarn -encoding UTF-8 -d "$out/classes" -cp "target/classes:$(cat "$out/classpath.txt")" \
    $(find bench/src/main/java -name '*.java') src/test/java/dev/picspace/topclient/*.java \
    src/test/java/dev/picspace/store/S3TestServer.java
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
    echo "Commit $(git rev-parse --short HEAD)${changes:+ plus local changes to $changes}; $(nproc) cores; $(java -version 2>&1 | head -1); $(uname -sr); stores: $stores."
    echo
} > "$results"

# Other work on this machine shows in every figure. Each part therefore ends with how much CPU
# the rest of the machine used meanwhile: all busy time (/proc/stat) less what this script's own
# children (the bench JVMs, servers, wrk) used, and the hypervisor's steal.
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9; exit }' /proc/stat; } # busy, steal (1/100 s)
# The bench JVM adds what it knows ran for it outside its own process tree (the embedded
# PostgreSQL's postmaster, which pg_ctl detaches) to this file, in CPU seconds, one line each.
extra_cpu="$out/.extra-cpu"
# CPU seconds of this shell's finished children. `times` must run in this shell itself (a
# command substitution would ask a fresh subshell, whose children are none), hence the file.
children_cpu() {
    times >"$out/.times"
    awk 'END { s = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } printf "%.2f\n", s }' "$out/.times"
}

part() { # name, command… (stdout of the command goes to the report)
    local name="$1" started=$SECONDS busy0 steal0 busy1 steal1 ours0 ours1
    shift
    rm -f "$extra_cpu"
    read -r busy0 steal0 < <(cpu_ticks)
    children_cpu >"$out/.ours0"; ours0="$(cat "$out/.ours0")"
    echo "running $name…" >&2
    if ! "$@" >>"$results"; then
        echo "$name failed (logs: $out/logs/)" >&2
        exit 1
    fi
    read -r busy1 steal1 < <(cpu_ticks)
    children_cpu >"$out/.ours1"; ours1="$(cat "$out/.ours1")"
    if [[ -f "$extra_cpu" ]]; then ours1="$(awk -v o="$ours1" '{ o += $1 } END { printf "%.2f\n", o }' "$extra_cpu")"; rm -f "$extra_cpu"; fi
    local elapsed=$((SECONDS - started))
    local others steal
    others="$(awk -v b="$((busy1 - busy0))" -v o0="$ours0" -v o1="$ours1" -v e="$elapsed" -v n="$(nproc)" \
        'BEGIN { v = (b / 100 - (o1 - o0)) / (e * n) * 100; printf "%.0f", v < 0 ? 0 : v }')"
    steal="$(awk -v s="$((steal1 - steal0))" -v e="$elapsed" -v n="$(nproc)" 'BEGIN { printf "%.0f", s / 100 / (e * n) * 100 }')"
    echo "$name took $elapsed s; other processes used ${others}% of the CPU meanwhile, steal ${steal}%" >&2
    {
        echo "_This part took $elapsed s. Meanwhile other processes on this machine used ${others}% of its $(nproc) cores (hypervisor steal ${steal}%)$( (( others > 10 || steal > 10 )) && echo ': **a busy machine; these figures are not comparable with a quiet run**')._"
        echo
    } >>"$results"
}

run_java() { # heap, main class, log name, arguments… (picspace on the stores in $store)
    local heap="$1" main="$2" log="$out/logs/$3.log"
    shift 3
    if ! java "-Xms$heap" "-Xmx$heap" $jvm_common -Dbench.stores="$store" -Dbench.extra-cpu-file="$extra_cpu" \
            ${BENCH_PG_FSYNC:+-Dbench.pg.fsync=$BENCH_PG_FSYNC} -cp "$BENCH_CLASSPATH" "$main" "$@" 2>"$log"; then
        echo "$main failed; the end of its log:" >&2
        tail -n 40 "$log" >&2
        return 1
    fi
}

run_serve() { bash bench/serve.sh 2> >(tee "$out/logs/serve.log" >&2); }
run_derive() { bash bench/derive.sh 2> >(tee "$out/logs/derive.log" >&2); }

for store in ${stores//,/ }; do
    # the embedded default keeps its names (part, log, cached database); other stores are named after them
    if [[ "$store" == embedded ]]; then name="" qdb="$out/query-db"; else name=" ($store)" qdb="$out/query-${store%%-*}"; fi
    tag="${name:+-$store}"
    if [[ "$part" == ingest || "$part" == all ]]; then part "ingest$name" run_java 4g dev.picspace.bench.IngestBench "ingest$tag"; fi
    if [[ "$part" == query || "$part" == all ]]; then part "query$name" run_java 2g dev.picspace.bench.QueryBench "query$tag" "$qdb"; fi
    # VOD GetImageInfo / SearchMedia through aliyun-java-sdk-vod, on the same 1,000,000-picture database
    if [[ "$part" == vod || "$part" == all ]]; then part "vod$name" run_java 2g dev.picspace.bench.VodQueryBench "vod$tag" "$qdb"; fi
done
if [[ ",$stores," == *,embedded,* ]]; then
    if [[ "$part" == serve || "$part" == all ]]; then part serve run_serve; fi
    if [[ "$part" == derive || "$part" == all ]]; then part derive run_derive; fi
elif [[ "$part" == serve || "$part" == derive || "$part" == all ]]; then
    echo "serve and derive run on the embedded default only (BENCH_STORES=$stores): not run" >&2
    printf '_serve and derive measure the embedded default only: not run with BENCH_STORES=%s._\n\n' "$stores" >> "$results"
fi

cat "$results"
echo >&2
echo "results written to $results" >&2
