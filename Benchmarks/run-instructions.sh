#!/usr/bin/env bash
# User-space instructions per message of each echo server, counted by valgrind's callgrind: a
# figure that does not move with the machine's load, unlike the side-by-side rates, so that a
# change of a few per cent shows. The kernel's share (most of the CPU time here) is not counted.
#
#   ./run-instructions.sh                          # TCP and UDP ping-pong, every server
#   ./run-instructions.sh tcp uvio-poll,c-libuv    # one protocol, some servers
#   SHORT_SECONDS=2 LONG_SECONDS=8 ./run-instructions.sh
#
# Each server runs twice under callgrind, driven by CLoadGen (10 connections or sockets, 64-byte
# messages) for SHORT_SECONDS and for LONG_SECONDS; the difference of the two instruction counts
# over the difference of the two message counts leaves start-up and connection set-up out. The
# binaries are copied without debug information first (valgrind 3.19 cannot read the DWARF of
# the NIO build). Needs valgrind (apt-get install valgrind); about 4 minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")"
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset (util-linux) is needed" >&2; exit 1; }
swift build -c release >&2
bin=$(swift build -c release --show-bin-path)
protocols=${1:-tcp,udp}
servers=${2:-c-libuv,nio-handler,nio-async-channel,uvio-async-loop,uvio-async-global,uvio-poll,uvio-callback}
short=${SHORT_SECONDS:-2}
long=${LONG_SECONDS:-6}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for binary in CEchoServer NIOEchoServer UVIOEchoServer; do strip -g -o "$work/$binary" "$bin/$binary"; done

# The command line of a server in the table's naming (that of the side-by-side run).
server_command() {
    case $1 in
        c-libuv) echo "$work/CEchoServer" ;;
        nio-handler) echo "$work/NIOEchoServer --style handler" ;;
        nio-async-channel) echo "$work/NIOEchoServer --style async-channel" ;;
        uvio-*) echo "$work/UVIOEchoServer --style ${1#uvio-} --max-seconds 120" ;;
        *) echo "unknown server $1" >&2; exit 2 ;;
    esac
}

# Prints "instructions messages" for one run of $1 (server) over $2 (tcp|udp) for $3 seconds.
measure() {
    local out="$work/run" mode=pingpong pid port messages instructions
    [[ $2 == udp ]] && mode=udp
    rm -f "$out".*
    # shellcheck disable=SC2046
    valgrind --tool=callgrind --callgrind-out-file="$out.cg" $(server_command "$1") --proto "$2" --port 0 \
        >"$out.server" 2>"$out.valgrind" &
    pid=$!
    for _ in $(seq 300); do grep -q listening "$out.server" 2>/dev/null && break; sleep 0.1; done
    port=$(sed -n 's/.*://p' "$out.server" | head -n 1)
    messages=$(taskset -c 1 "$bin/CLoadGen" "$mode" --port "$port" --conns 10 --size 64 --seconds "$3" \
        --warmup-ms 0 | sed -n 's/.*msgs=\([0-9]*\).*/\1/p')
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    instructions=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out.valgrind")
    echo "${instructions:-0} ${messages:-0}"
}

printf '%-10s %-20s %14s %8s\n' protocol server "instr/msg" "× C"
for protocol in ${protocols//,/ }; do
    reference=""
    for server in ${servers//,/ }; do
        [[ $protocol == udp && $server == nio-async-channel ]] && continue  # TCP only
        read -r i1 m1 < <(measure "$server" "$protocol" "$short")
        read -r i2 m2 < <(measure "$server" "$protocol" "$long")
        if ((m2 <= m1)); then
            printf '%-10s %-20s %14s\n' "$protocol" "$server" "failed"
            continue
        fi
        per=$(((i2 - i1) / (m2 - m1)))
        [[ $server == c-libuv ]] && reference=$per
        ratio=$([[ -n $reference ]] && awk "BEGIN { printf \"%.2f\", $per / $reference }" || echo "-")
        printf '%-10s %-20s %14d %8s\n' "$protocol" "$server" "$per" "$ratio"
    done
done
