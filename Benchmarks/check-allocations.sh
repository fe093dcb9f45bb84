#!/usr/bin/env bash
# The allocation guard (`make bench-allocations`, run by CI): measures the heap allocations of the
# six 64-byte echo round trips (TCP and UDP; async, callbacks, poll) with the micro-benchmarks, and
# fails if any allocates one per round trip or more.
#
# The issue's target is zero allocations per message in the callback and poll loops and at most
# one in the async loop; all six are at zero today. A benchmark iteration is 1,000 round trips
# (both ends in the process) and allocates a few times to start (the task or spawn that runs it),
# so the limit is 100 per iteration at the 90th percentile: one allocation per message more gives
# 1,000 and fails.
set -euo pipefail
cd "$(dirname "$0")"

limit=100
expected=6
out=.build/allocations
rm -rf "$out"
mkdir -p "$out"

swift package --allow-writing-to-package-directory benchmark --target IOBenchmarks \
    --filter ".*round trip.*" --metric mallocCountTotal \
    --format metricP90AbsoluteThresholds --path "$out" --no-progress

echo
echo "Allocations per 1,000 round trips (p90), limit $limit:"
found=0
failed=0
for file in "$out"/*.p90.json; do
    [[ -e $file ]] || continue
    name=$(basename "$file" .p90.json)
    count=$(grep -o '"mallocCountTotal" *: *[0-9]*' "$file" | grep -o '[0-9]*$' || true)
    if [[ -z $count ]]; then
        echo "  $name: no allocation count in $file"
        failed=1
        continue
    fi
    found=$((found + 1))
    verdict=ok
    if ((count > limit)); then verdict="TOO MANY"; failed=1; fi
    printf '  %-60s %6d  %s\n' "${name#IOBenchmarks.}" "$count" "$verdict"
done
if ((found != expected)); then
    echo "expected $expected round-trip benchmarks, measured $found"
    failed=1
fi
exit $failed
