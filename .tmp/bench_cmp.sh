#!/bin/bash
# plain c=50 before/after, alternating, then the flow bench; all under the bench lock
set -u
out=/work/wt/flow/.tmp/bench_out.txt
: > $out
for round in 1 2; do
  for wt in before flow; do
    echo "== $wt round $round" >> $out
    (cd /work/wt/$wt && timeout 900 deno task bench --libs repid-deno --scenarios process-c50 --runs 3 2>&1 | grep -E "process-c50|jobsPerSec|c=50|jobs/s" | head -8) >> $out
  done
done
echo "== flow bench" >> $out
(cd /work/wt/flow && timeout 1200 deno task bench:flow --runs 3 2>&1 | tail -8) >> $out
echo DONE >> $out
