#!/bin/bash
out=/work/wt/flow/.tmp/bench_out2.txt
: > $out
for round in 1 2 3 4; do
  for wt in before flow; do
    (cd /work/wt/$wt && timeout 900 deno task bench --libs repid-deno --scenarios process-c50 --runs 3 2>&1 | grep -E "^run" | sed "s/^/$wt /") >> $out
  done
done
echo DONE >> $out
