#!/usr/bin/env bash
# Serving of originals: picspace (the packaged jar, as an operator runs it) beside nginx serving
# the same bytes as static files, in the same run, measured with wrk -t2 -c64 -d10s --latency.
# Prints a markdown section on stdout; progress goes to stderr. Run it through bench/run.sh.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
: "${BENCH_CLASSPATH:?run this through bench/run.sh serve (it builds the jar and the bench classes)}"

jar="$root/target/picspace.jar"
out="$root/bench/out/serve"
# The served JVM: a fixed 1 GiB heap (no resizing under load) and the throughput collector (no
# concurrent GC threads competing for the 2 cores; serving allocates little, so its young pauses
# are short). To be compared with G1 once the real serving handler is merged; README "Benchmarks".
picspace_jvm=(-Xms1g -Xmx1g -XX:+UseParallelGC)
# picspace's logback.xml names a JsonEncoder property logback 1.6 does not know; the warning makes
# logback print its status on stdout, in front of the JSON that tenant create and top-call print.
quiet_logback=-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener
cli=(java "$quiet_logback" -jar "$jar")
wrk_args=(-t2 -c64 -d10s --latency)
warm_up_args=(-t2 -c64 -d3s)

log() { echo "serve: $*" >&2; }

if ! command -v wrk >/dev/null || ! [[ -x /usr/sbin/nginx ]]; then
    log "installing wrk and nginx from Debian"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >&2
fi
nginx_bin=/usr/sbin/nginx

rm -rf "$out"
mkdir -p "$out/www/i" "$out/nginx-temp"
data="$(mktemp -d /tmp/picspace-serve.XXXXXX)"
pids=()
# shared helpers: cleanup, free_port, wait_for
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the pictures
java "$quiet_logback" -cp "$BENCH_CLASSPATH" dev.picspace.bench.MakeJpeg 20000 20 "$data/small.jpg"
java "$quiet_logback" -cp "$BENCH_CLASSPATH" dev.picspace.bench.MakeJpeg 2000000 2000 "$data/large.jpg"

# ---- picspace, with a tenant and the two pictures uploaded through the API
creds="$("${cli[@]}" tenant create --data "$data/picspace" --nick bench --order-space 1G 2>>"$out/picspace.log")"
field() { grep -o "\"$1\":\"[^\"]*\"" <<<"$creds" | head -1 | cut -d'"' -f4; }
app_key="$(field app_key)"; app_secret="$(field app_secret)"; session="$(field session)"

java "${picspace_jvm[@]}" "$quiet_logback" -jar "$jar" serve --data "$data/picspace" --port 0 --host 127.0.0.1 >>"$out/picspace.log" 2>&1 &
pids+=($!)
port=""
for _ in $(seq 1 300); do
    port="$(grep -o 'serving on port [0-9]*' "$out/picspace.log" | head -1 | grep -o '[0-9]*$' || true)"
    [[ -n "$port" ]] && break
    kill -0 "${pids[0]}" 2>/dev/null || { log "picspace exited; its log:"; cat "$out/picspace.log" >&2; exit 1; }
    sleep 0.2
done
[[ -n "$port" ]] || { log "picspace did not start"; exit 1; }
wait_for "http://127.0.0.1:$port/healthz" 30
log "picspace on 127.0.0.1:$port"

declare -A path bytes
for size in small large; do
    response="$("${cli[@]}" top-call --url "http://127.0.0.1:$port/router/rest" --app-key "$app_key" \
        --secret "$app_secret" --session "$session" taobao.picture.upload picture_category_id=0 \
        "image_input_title=$size.jpg" "img=@$data/$size.jpg")"
    # The URL's host is the public base (localhost by default); the path is what both servers serve.
    path[$size]="$(grep -o '"picture_path":"[^"]*"' <<<"$response" | sed -E 's#.*//[^/]*(/[^"]*)".*#\1#')"
    [[ "${path[$size]}" == /i/* ]] || { log "upload of $size.jpg failed: $response"; exit 1; }
    bytes[$size]="$(stat -c %s "$data/$size.jpg")"
    mkdir -p "$out/www$(dirname "${path[$size]}")"
    cp "$data/$size.jpg" "$out/www${path[$size]}"
done
chmod -R a+rX "$out/www"

# ---- nginx on the same bytes
nginx_port="$(free_port)"
cat >"$out/nginx.conf" <<CONF
# Written by bench/serve.sh: static files with the usual fast-path settings, 2 workers for 2 cores.
worker_processes 2;
daemon off;
pid $out/nginx.pid;
error_log $out/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    # nginx closes a keep-alive connection after 1000 requests by default; Jetty does not.
    keepalive_requests 1000000;
    types { image/jpeg jpg; }
    default_type application/octet-stream;
    client_body_temp_path $out/nginx-temp/body;
    proxy_temp_path $out/nginx-temp/proxy;
    fastcgi_temp_path $out/nginx-temp/fastcgi;
    uwsgi_temp_path $out/nginx-temp/uwsgi;
    scgi_temp_path $out/nginx-temp/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $out/www;
    }
}
CONF
"$nginx_bin" -p "$out" -c "$out/nginx.conf" 2>>"$out/nginx-error.log" &
pids+=($!)
wait_for "http://127.0.0.1:$nginx_port${path[small]}" 10
log "nginx on 127.0.0.1:$nginx_port"

# ---- check before measuring: 200, the right length, the same bytes
check() { # url, size name → prints "ok" or what is wrong
    local got status length
    got="$data/check.bin"
    read -r status length < <(curl -s -o "$got" -w '%{http_code} %{size_download}\n' "$1" || echo "000 0")
    if [[ "$status" != 200 ]]; then echo "answered $status"; return; fi
    if [[ "$length" != "${bytes[$2]}" ]]; then echo "answered 200 with $length bytes, not ${bytes[$2]}"; return; fi
    if ! cmp -s "$got" "$data/$2.jpg"; then echo "answered 200 with other bytes"; return; fi
    echo ok
}

# wrk's summary → "req/s MB/s p50_ms p99_ms non2xx"
parse_wrk() {
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        function mb(v) { if (v ~ /GB$/) return v * 1024; if (v ~ /MB$/) return v + 0; if (v ~ /KB$/) return v / 1024; return v / 1048576 }
        $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
        /^Requests\/sec:/ { rps = $2 } /^Transfer\/sec:/ { tps = mb($2) }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        /Socket errors:/ { sub(/.*Socket errors: /, ""); errs = $0 }
        END { printf "%.0f %.1f %.3f %.3f %d %s\n", rps, tps, p50, p99, bad, (errs == "" ? "-" : errs) }'
}

declare -A label=([small]="~20 KB" [large]="~2 MB")
runs="$data/runs.txt"
: >"$runs"
notes=()
for size in small large; do
    nginx_url="http://127.0.0.1:$nginx_port${path[$size]}"
    picspace_url="http://127.0.0.1:$port${path[$size]}"
    nginx_check="$(check "$nginx_url" "$size")"
    [[ "$nginx_check" == ok ]] || { log "nginx does not serve ${path[$size]} correctly: $nginx_check"; exit 1; }
    picspace_check="$(check "$picspace_url" "$size")"
    servers=(nginx)
    if [[ "$picspace_check" == ok ]]; then
        servers+=(picspace)
        wrk "${warm_up_args[@]}" "$picspace_url" >/dev/null
    else
        notes+=("picspace serving of ${label[$size]} **not measured**: GET ${path[$size]} $picspace_check (is the real serving handler merged?). nginx alone was measured, to check the setup.")
        log "picspace ${path[$size]}: $picspace_check — measuring nginx only"
    fi
    wrk "${warm_up_args[@]}" "$nginx_url" >/dev/null
    # nginx first, then picspace, then both again: the repeat shows the run-to-run noise.
    for round in 1 2; do
        for server in "${servers[@]}"; do
            url="$nginx_url"; [[ "$server" == picspace ]] && url="$picspace_url"
            log "wrk ${wrk_args[*]} $url (${label[$size]}, $server, round $round)"
            result="$(wrk "${wrk_args[@]}" "$url" | tee -a "$out/wrk.txt" | parse_wrk)"
            echo "$size $server $round $result" >>"$runs"
        done
    done
done

echo "## Serving originals: picspace beside nginx (wrk ${wrk_args[*]})"
echo
echo "| picture | server | round | req/s | MB/s | p50 ms | p99 ms | non-2xx | socket errors |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
while read -r size server round rps tps p50 p99 bad errs; do
    echo "| ${label[$size]} (${bytes[$size]} B) | $server | $round | $rps | $tps | $p50 | $p99 | $bad | $errs |"
done <"$runs"
echo
echo "| picture | nginx req/s (mean) | picspace req/s (mean) | picspace ÷ nginx | aim ≥ 0.8× |"
echo "| --- | --- | --- | --- | --- |"
for size in small large; do
    awk -v size="$size" -v name="${label[$size]}" '
        $1 == size && $2 == "nginx" { n += $4; nc++ } $1 == size && $2 == "picspace" { p += $4; pc++ }
        END {
            nm = nc ? n / nc : 0
            if (!pc) { printf "| %s | %.0f | not measured | n/a | n/a |\n", name, nm; exit }
            pm = p / pc; r = nm ? pm / nm : 0
            printf "| %s | %.0f | %.0f | %.2f× | %s |\n", name, nm, pm, r, (r >= 0.8 ? "met" : "**not met**")
        }' "$runs"
done
echo
for n in "${notes[@]}"; do echo "- $n"; done
echo "- Both servers on 127.0.0.1 with wrk on the same 2 cores: each figure includes wrk's own share of the CPU, alike for both."
echo "- picspace: \`java ${picspace_jvm[*]} -jar target/picspace.jar serve\`, the pictures uploaded with \`top-call taobao.picture.upload\`; nginx $("$nginx_bin" -v 2>&1 | sed 's#.*/##'): worker_processes 2, sendfile on, tcp_nopush on, access_log off, keepalive_requests 1000000 (bench/out/serve/nginx.conf), the same bytes at the same paths."
echo "- Each measured run follows an unmeasured ${warm_up_args[*]} warm-up of each URL; every response was first checked to be 200 with the uploaded bytes."
echo
