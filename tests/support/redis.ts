/**
 * Test support: a unique key prefix per test file on the shared Redis, and
 * cleanup of exactly those keys (SCAN, never KEYS or FLUSHALL). With
 * `REDIS_CLUSTER=1` (`deno task test:cluster`), the contract suite runs on
 * the Redis Cluster at `REDIS_CLUSTER_URL` instead, and cleanup scans every
 * master.
 */
import { Cluster, Redis } from "ioredis";
import process from "node:process";

/** The Redis the tests use. */
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** `true` when the contract suite runs on a Redis Cluster (`REDIS_CLUSTER=1`). */
export const CLUSTER_MODE = process.env.REDIS_CLUSTER === "1";

/**
 * The cluster's `redis+cluster://…` URL in cluster mode (set by
 * `deno task test:cluster`, which starts the cluster).
 */
export const REDIS_CLUSTER_URL = process.env.REDIS_CLUSTER_URL ?? "";

if (CLUSTER_MODE && !REDIS_CLUSTER_URL) {
  throw new Error(
    "REDIS_CLUSTER=1 needs REDIS_CLUSTER_URL (redis+cluster://host:port,…): " +
      "run `deno task test:cluster`, which starts a cluster and sets both",
  );
}

/**
 * `it()` options for a test that needs one Redis node (it counts commands on
 * one server, restarts it, or reads keys across queues): skipped in cluster
 * mode with the reason.
 */
export function singleNode(reason: string): { skip: string | false } {
  return { skip: CLUSTER_MODE ? `needs a single Redis node: ${reason}` : false };
}

/** A prefix no other test run uses. */
export function testPrefix(name: string): string {
  return `repid-test-${name}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Deletes every key under `prefix` (on every master in cluster mode). */
export async function cleanup(prefix: string, url = REDIS_URL): Promise<void> {
  if (CLUSTER_MODE && url === REDIS_URL) return await cleanupCluster(prefix);
  const r = new Redis(url);
  try {
    await deleteMatching(r, prefix);
  } finally {
    await r.quit();
  }
}

async function cleanupCluster(prefix: string): Promise<void> {
  const hosts = REDIS_CLUSTER_URL.replace(/^rediss?\+cluster:\/\//, "").split(",");
  const c = new Cluster(hosts.map((hp) => {
    const [host, port] = hp.split(":");
    return { host, port: Number(port) };
  }));
  try {
    await new Promise<void>((resolve, reject) => {
      c.once("ready", resolve);
      c.once("error", reject);
    });
    await Promise.all(c.nodes("master").map((node) => deleteMatching(node, prefix)));
  } finally {
    await c.quit();
  }
}

/** SCANs one node for `prefix:*` and deletes them one key at a time (each key its own slot). */
async function deleteMatching(r: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) {
      const p = r.pipeline();
      for (const key of keys) p.unlink(key);
      await p.exec();
    }
  } while (cursor !== "0");
}
