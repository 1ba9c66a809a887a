# Shell helpers the bench scripts share (sourced by serve.sh and derive.sh). They expect a `log`
# function, a `pids` array of background processes and a `data` scratch directory.

# Stops the background processes and removes the scratch directory on any exit.
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$data"
}

free_port() { # a port nobody on this machine listens on (other benchmarks may be running)
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 40000))
        if [[ -z "$(ss -Htln "sport = :$port")" ]]; then echo "$port"; return 0; fi
    done
    return 1
}

wait_for() { # url, seconds
    local deadline=$((SECONDS + $2))
    until curl -fsS -o /dev/null "$1" 2>/dev/null; do
        (( SECONDS < deadline )) || { log "$1 did not answer within $2 s"; return 1; }
        sleep 0.2
    done
}
