#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ against the UVIO module and runs each for a bounded time.
#   Fuzz/run.sh [seconds]     (default 30; `make fuzz FUZZ_SECONDS=600` for a longer run)
# The library is built with coverage instrumentation (swiftc -sanitize=fuzzer) and AddressSanitizer in a
# scratch folder of its own, .build-fuzz; each harness is compiled with swiftc and linked with
# the library's object files. A crash leaves its input in .build-fuzz/ as crash-<hash>.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
scratch=.build-fuzz
swift build --scratch-path "$scratch" --target UVIO --sanitize=address -Xswiftc -sanitize=fuzzer
build="$scratch/debug"
objects=()
for module in UVIO DequeModule HeapModule InternalCollectionsUtilities ContainersPreview; do
    if [[ -d "$build/$module.build" ]]; then
        while IFS= read -r object; do objects+=("$object"); done < <(find "$build/$module.build" -name '*.o')
    fi
done
for target in AddressParser LineReader; do
    swiftc -sanitize=fuzzer,address -parse-as-library -module-name "Fuzz$target" \
        -I "$build/Modules" -Xcc -fmodule-map-file=Sources/CLibUV/module.modulemap \
        "Fuzz/Fuzz$target.swift" "${objects[@]}" $(pkg-config --libs libuv) -o "$scratch/fuzz-$target"
    corpus="$scratch/corpus-$target"
    mkdir -p "$corpus"
    echo "== fuzz $target for ${seconds}s"
    (cd "$scratch" && "./fuzz-$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -print_final_stats=1 "corpus-$target" "../Fuzz/seeds/$target")
done
