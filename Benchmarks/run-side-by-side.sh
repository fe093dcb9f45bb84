#!/usr/bin/env bash
# Builds the benchmark package in release mode, then runs the side-by-side comparison of UVIO's
# echo servers with a C libuv server and SwiftNIO on 127.0.0.1. Extra arguments go to the runner:
#   ./run-side-by-side.sh --repetitions 9 --seconds 5
#   ./run-side-by-side.sh --workloads pp100-64,stream --servers c-libuv,uvio-async-loop
# Defaults (5 repetitions, 2 s per workload, 1 GiB streamed, 10,000 idle connections) take about
# 10 minutes on 2 cores (7 servers). The table goes to standard output, progress to standard error.
set -euo pipefail
cd "$(dirname "$0")"
command -v taskset >/dev/null || { echo "taskset (util-linux) is needed" >&2; exit 1; }
swift build -c release >&2  # the servers, the load generator and the runner (SwiftNIO's first build takes minutes)
exec "$(swift build -c release --show-bin-path)/SideBySide" "$@"
