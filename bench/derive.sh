#!/usr/bin/env bash
# Derivatives (issue "image delivery"), two parts, each beside references measured in the same run:
#  (a) cold derivative throughput: 200-px-wide JPEG thumbnails (quality 85) of 2–12 MP JPEGs through
#      picspace's HTTP endpoint (x-oss-process=image/resize,w_200), beside vipsthumbnail and ImageMagick
#      `convert -thumbnail` on the same files, two at a time (2 cores);
#  (b) cached derivative serving: a ~20 KB thumbnail (a Taobao size suffix), wrk -t2 -c64 -d10s,
#      beside nginx serving the same bytes as a static file at the same path.
# Prints a markdown section on stdout; progress goes to stderr. Run it through bench/run.sh derive.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
: "${BENCH_CLASSPATH:?run this through bench/run.sh derive (it builds the jar and the bench classes)}"

jar="$root/target/picspace.jar"
out="$root/bench/out/derive"
# A fixed heap and the throughput collector, as for serve.sh; 2 GiB because two renders of 12 MP
# pictures may run at once (the engine decodes at reduced resolution, but the source bytes are held).
picspace_jvm=(-Xms2g -Xmx2g -XX:+UseParallelGC)
quiet_logback=-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener
cli=(java "$quiet_logback" -jar "$jar")
bench=(java "$quiet_logback" -cp "$BENCH_CLASSPATH")
wrk_args=(-t2 -c64 -d10s --latency)
warm_up_args=(-t2 -c64 -d3s)
megapixels=(2 4 6 8 10 12)
per_size=4          # distinct pictures per size: 24 sources
rounds=3            # cold renders per source, each with operations not asked for before: 72 renders
quality=85
clients=4           # concurrent HTTP clients: keeps the 2-thread render pool and its queue busy

log() { echo "derive: $*" >&2; }

for tool in vipsthumbnail convert wrk; do
    command -v "$tool" >/dev/null || missing=1
done
if [[ -n "${missing:-}" ]] || ! [[ -x /usr/sbin/nginx ]]; then
    log "installing libvips-tools, imagemagick, wrk and nginx from Debian"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvips-tools imagemagick wrk nginx >&2
fi
nginx_bin=/usr/sbin/nginx
# Debian's ImageMagick itself, not whatever wrapper PATH may put in front of it
magick_bin=/usr/bin/convert; [[ -x "$magick_bin" ]] || magick_bin="$(command -v convert)"

rm -rf "$out"
mkdir -p "$out/www" "$out/nginx-temp"
data="$(mktemp -d /tmp/picspace-derive.XXXXXX)"
pids=()
# shared helpers: cleanup, free_port, wait_for
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }

# ---- the sources: photograph-like JPEGs, generated here
mkdir -p "$data/src"
sources=()
jobs=()
seed=1
for mp in "${megapixels[@]}"; do
    for i in $(seq 1 "$per_size"); do
        f="$data/src/${mp}mp-$i.jpg"
        sources+=("$f")
        seed=$((seed + 1))
        jobs+=("$mp $seed $f")
    done
done
printf '%s\n' "${jobs[@]}" | xargs -P 2 -L 1 "${bench[@]}" dev.picspace.bench.MakePhotoJpeg
total_bytes=$(cat "${sources[@]}" | wc -c)
log "${#sources[@]} sources, $((total_bytes / 1048576)) MiB"

# ---- picspace
creds="$("${cli[@]}" tenant create --data "$data/picspace" --nick bench --order-space 2G 2>>"$out/picspace.log")"
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
base="http://127.0.0.1:$port"
wait_for "$base/healthz" 30
log "picspace on 127.0.0.1:$port"

mapfile -t paths < <("${bench[@]}" dev.picspace.bench.DeriveBench upload "$base/router/rest" "$app_key" "$app_secret" "$session" "${sources[@]}")
[[ "${#paths[@]}" == "${#sources[@]}" ]] || { log "uploads failed"; exit 1; }

# ---- (a) cold renders: the three methods take turns, round by round, so that other load on the
# machine falls on all of them alike
# name, sh command with $1 = source, $2 = output file prefix, $3 = quality → seconds for one round
tool_round() {
    local name="$1" template="$2" round="$3" started ended
    mkdir -p "$data/$name"
    started="$(now)"
    printf '%s\n' "${sources[@]}" | xargs -P 2 -I IN sh -c "$template" sh IN "$data/$name/r$round" "$quality"
    ended="$(now)"
    awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.3f\n", b - a }'
}
# warm-up (JIT): every source once, with operations the timed rounds do not repeat
"${bench[@]}" dev.picspace.bench.DeriveBench cold "$base" "$clients" "image/resize,w_200/quality,Q_80" "${paths[@]}" >/dev/null
cold_runs="$data/cold.txt"
vips_runs="$data/vips.txt"
magick_runs="$data/magick.txt"
: >"$cold_runs"; : >"$vips_runs"; : >"$magick_runs"
for r in $(seq 1 "$rounds"); do
    q=$((quality + 1 - r))   # 85, 84, 83: a new derivative each round, the same work
    log "round $r: picspace resize,w_200/quality,Q_$q of ${#paths[@]} sources, then vipsthumbnail, then convert"
    "${bench[@]}" dev.picspace.bench.DeriveBench cold "$base" "$clients" "image/resize,w_200/quality,Q_$q" "${paths[@]}" >>"$cold_runs"
    tool_round vips 'vipsthumbnail "$1" -s 200x -o "$2-$(basename "$1")[Q=$3]"' "$r" >>"$vips_runs"
    tool_round magick "$magick_bin"' "$1" -thumbnail 200x -quality "$3" "$2-$(basename "$1")"' "$r" >>"$magick_runs"
done
vips_seconds="$(awk '{ s += $1 } END { printf "%.3f", s }' "$vips_runs")"
magick_seconds="$(awk '{ s += $1 } END { printf "%.3f", s }' "$magick_runs")"
# the references made what picspace made: 200 px wide JPEGs
for name in vips magick; do
    sample="$(ls "$data/$name" | head -1)"
    w="$(identify -format '%w' "$data/$name/$sample")"  # ImageMagick's identify reads the header
    [[ "$w" == 200 ]] || { log "$name made a $w-px-wide thumbnail, not 200"; exit 1; }
done

# ---- (b) cached derivative serving beside nginx
read -r suffix thumb_bytes < <("${bench[@]}" dev.picspace.bench.DeriveBench pick "$base" "${paths[0]}" 20000)
thumb_path="${paths[0]}$suffix"
mkdir -p "$out/www$(dirname "$thumb_path")"
curl -fsS -o "$out/www$thumb_path" "$base$thumb_path"
chmod -R a+rX "$out/www"
nginx_port="$(free_port)"
cat >"$out/nginx.conf" <<CONF
# Written by bench/derive.sh: the same static-file settings as bench/serve.sh.
worker_processes 2;
daemon off;
pid $out/nginx.pid;
error_log $out/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    default_type image/jpeg;
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
nginx_url="http://127.0.0.1:$nginx_port$thumb_path"
picspace_url="$base$thumb_path"
wait_for "$nginx_url" 10
for url in "$nginx_url" "$picspace_url"; do
    curl -fsS -o "$data/check.bin" "$url"
    cmp -s "$data/check.bin" "$out/www$thumb_path" || { log "$url does not answer the thumbnail's bytes"; exit 1; }
done

parse_wrk() {
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
        /^Requests\/sec:/ { rps = $2 }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        END { printf "%.0f %.3f %.3f %d\n", rps, p50, p99, bad }'
}
wrk "${warm_up_args[@]}" "$picspace_url" >/dev/null
wrk "${warm_up_args[@]}" "$nginx_url" >/dev/null
serve_runs="$data/serve.txt"
: >"$serve_runs"
for round in 1 2; do
    for server in nginx picspace; do
        url="$nginx_url"; [[ "$server" == picspace ]] && url="$picspace_url"
        log "wrk ${wrk_args[*]} $url ($server, round $round)"
        echo "$server $round $(wrk "${wrk_args[@]}" "$url" | tee -a "$out/wrk.txt" | parse_wrk)" >>"$serve_runs"
    done
done

# ---- report
renders=$((rounds * ${#sources[@]}))
echo "## Derivatives: cold thumbnails beside vipsthumbnail and ImageMagick; cached serving beside nginx"
echo
echo "Sources: ${#sources[@]} photograph-like JPEGs (quality 90), ${per_size} each of ${megapixels[*]} MP, $((total_bytes / 1048576)) MiB in all. Output: 200 px wide JPEG, quality $quality."
echo
echo "| method | thumbnails | seconds | thumbnails/s | p50 ms | p99 ms | 503 retries |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
awk -v n="$renders" '
    { count += $1; secs += $2; p50 = p50 < $3 ? $3 : p50; p99 = p99 < $4 ? $4 : p99; retries += $5 }
    END { printf "| picspace HTTP (x-oss-process=image/resize,w_200/quality,Q_8x; %d clients) | %d | %.2f | %.1f | %.0f | %.0f | %d |\n", '"$clients"', count, secs, count / secs, p50, p99, retries }' "$cold_runs"
awk -v s="$vips_seconds" -v n="$renders" 'BEGIN { printf "| vipsthumbnail -s 200x (a process per picture, 2 at a time) | %d | %.2f | %.1f | | | |\n", n, s, n / s }'
awk -v s="$magick_seconds" -v n="$renders" 'BEGIN { printf "| convert -thumbnail 200x (a process per picture, 2 at a time) | %d | %.2f | %.1f | | | |\n", n, s, n / s }'
echo
echo "Per round (seconds for ${#sources[@]} thumbnails): picspace $(awk '{ printf "%s%.2f", (NR > 1 ? ", " : ""), $2 }' "$cold_runs"); vipsthumbnail $(paste -sd, "$vips_runs" | sed 's/,/, /g'); convert $(paste -sd, "$magick_runs" | sed 's/,/, /g')."
echo
echo "| cached thumbnail ($thumb_bytes B, $suffix) | round | req/s | p50 ms | p99 ms | non-2xx |"
echo "| --- | --- | --- | --- | --- | --- |"
while read -r server round rps p50 p99 bad; do
    echo "| $server | $round | $rps | $p50 | $p99 | $bad |"
done <"$serve_runs"
awk '$1 == "nginx" { n += $3; nc++ } $1 == "picspace" { p += $3; pc++ }
     END { printf "\npicspace ÷ nginx for the cached thumbnail: **%.2f×** (means of %d runs each).\n", (p / pc) / (n / nc), pc }' "$serve_runs"
echo
echo "- picspace: \`java ${picspace_jvm[*]} -jar target/picspace.jar serve\` (render-threads = $(nproc), the default queue), sources uploaded with the real TOP client; picspace p50/p99 are per request, from the client, including queueing; the picspace row's p50/p99 are the worst of the $rounds rounds. Each round asks for a derivative not made before (quality 85, 84, 83), after an unmeasured warm-up round (quality 80)."
echo "- vipsthumbnail $(vipsthumbnail --version | head -1 | awk '{print $1}'), ImageMagick $("$magick_bin" -version | head -1 | awk '{print $3}') ($magick_bin): \`xargs -P 2\`, one process per picture, on the same files, in turns with picspace round by round; process start-up is part of their figure, as it is of any shell pipeline that calls them. vipsthumbnail shrinks JPEGs on load; \`convert -thumbnail\` without \`-define jpeg:size\` decodes them whole."
echo "- Cached serving: \`wrk ${wrk_args[*]}\` after an unmeasured ${warm_up_args[*]} warm-up of each URL; nginx $("$nginx_bin" -v 2>&1 | sed 's#.*/##') with bench/serve.sh's settings; both answers checked byte for byte first."
echo
