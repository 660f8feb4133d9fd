#!/bin/bash
cd /work/wt/flow
redis-server --port 6783 --save "" --appendonly no --daemonize yes >/dev/null
sleep 0.5
for r in 1 2 3; do
  REPID_MOD=/work/main/mod.ts LABEL=main RUNS=2 deno run -A .tmp/plain_ab.ts
  REPID_MOD=/work/wt/flow/mod.ts LABEL=flow RUNS=2 deno run -A .tmp/plain_ab.ts
  redis-cli -p 6783 flushall >/dev/null
done
redis-cli -p 6783 shutdown nosave >/dev/null 2>&1
