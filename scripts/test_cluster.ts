/**
 * `deno task test:cluster`: runs the contract suite
 * (`tests/integration/contract_*_test.ts`) against a real Redis Cluster of 3
 * masters and 3 replicas, started here from `redis-server` on free ports of
 * 6600-6639 (bus ports +10000) and stopped afterwards, data directories
 * removed. The tests see `REDIS_CLUSTER=1` and `REDIS_CLUSTER_URL`; the
 * harness then opens every worker and producer on the cluster URL.
 *
 * Then it runs `tests/cluster/` (cluster-only tests: each starts its own small
 * cluster on other free ports of the range, since they pause, fail over or
 * reshard nodes).
 *
 * Usage: `deno task test:cluster [test files…]` (only those files, on the shared cluster).
 *
 * @module
 */

import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import process from "node:process";
import { RedisCluster } from "../tests/support/redis_cluster.ts";

const PORTS: [number, number] = [6600, 6639];

const only = process.argv.slice(2);
const files = only.length ? only : [
  ...readdirSync("tests/integration")
    .filter((f) => /^contract_.*_test\.ts$/.test(f))
    .sort()
    .map((f) => `tests/integration/${f}`),
  "tests/cluster/",
];

const started = Date.now();
const cluster = await RedisCluster.start({ ports: PORTS });
console.log(
  `[cluster] 3 masters + 3 replicas on ports ${
    cluster.servers.map((s) => s.port).join(",")
  }, ok after ${Date.now() - started} ms`,
);
let code = 1;
try {
  code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      ["test", "-A", "--no-check=remote", ...files],
      {
        stdio: "inherit",
        env: { ...process.env, REDIS_CLUSTER: "1", REDIS_CLUSTER_URL: cluster.url },
      },
    );
    child.once("exit", (c, sig) => resolve(c ?? (sig ? 1 : 0)));
  });
} finally {
  await cluster.stop();
}
process.exit(code);
