/**
 * A primary with a replica under Sentinel, reached by a
 * `redis+sentinel://` URL: jobs run, and keep running after the primary is
 * killed and Sentinel promotes the replica, with no restart of the worker or
 * the producer. Starts its own primary, replica and Sentinel.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { Repid, Worker } from "../../mod.ts";
import { RedisServer } from "../support/redis_server.ts";
import { freePorts } from "../support/redis_cluster.ts";
import { CLUSTER_MODE, testPrefix } from "../support/redis.ts";
import { waitFor } from "../support/wait.ts";

const skip = CLUSTER_MODE ? false : "needs `deno task test:cluster` (starts redis-server nodes)";

/** The answer of one command to the server on `port`. */
async function ask(port: number, ...command: string[]): Promise<unknown> {
  const r = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 0 });
  r.on("error", () => {});
  try {
    return await r.call(command[0], ...command.slice(1));
  } finally {
    r.disconnect();
  }
}

describe("Redis Sentinel", { skip }, () => {
  let primary: RedisServer;
  let replica: RedisServer;
  let sentinel: RedisServer;
  let url: string;
  before(async () => {
    const [p1, p2, p3] = await freePorts([6600, 6639], 3);
    primary = await RedisServer.start({ port: p1, exactPort: true });
    replica = await RedisServer.start({
      port: p2,
      exactPort: true,
      args: ["--replicaof", "127.0.0.1", String(p1)],
    });
    await waitFor(
      "the replica's link",
      async () => String(await ask(p2, "INFO", "replication")).includes("master_link_status:up"),
    );
    const conf = join(replica.dir, "sentinel.conf");
    writeFileSync(
      conf,
      [
        `sentinel monitor repid 127.0.0.1 ${p1} 1`,
        "sentinel down-after-milliseconds repid 1000",
        "sentinel failover-timeout repid 5000",
        "",
      ].join("\n"),
    );
    sentinel = await RedisServer.start({
      port: p3,
      exactPort: true,
      configFile: conf,
      args: ["--sentinel"],
    });
    await waitFor(
      "Sentinel to see the replica",
      async () => ((await ask(p3, "SENTINEL", "REPLICAS", "repid")) as unknown[]).length > 0,
    );
    url = `redis+sentinel://127.0.0.1:${p3}/repid`;
  });
  after(async () => {
    await sentinel?.stop();
    await replica?.stop();
    await primary?.stop();
  });

  it("a worker and a producer on `redis+sentinel://` keep working after a failover", async () => {
    const prefix = testPrefix("sentinel");
    const worker = new Worker(url, { prefix, logger: "silent" });
    worker.actor(async function triple(n: number) {
      await Promise.resolve();
      return n * 3;
    });
    const producer = new Repid(url, { prefix });
    try {
      void worker.runForever({ handleSignals: false });
      const first = await producer.enqueueJob("triple", { args: [1] });
      assert.equal((await first.waitResult({ timeoutMs: 20_000 })).value, 3);

      await primary.kill(); // SIGKILL: Sentinel promotes the replica
      const t0 = Date.now();
      const second = await producer.enqueueJob("triple", { args: [2] });
      assert.equal((await second.waitResult({ timeoutMs: 60_000 })).value, 6);
      console.log(`[sentinel] job after the primary was killed: done in ${Date.now() - t0} ms`);
      const role = String(await ask(replica.port, "INFO", "replication"));
      assert.match(role, /role:master/, "the replica was promoted");
    } finally {
      await worker.stop({ graceMs: 0 });
      await producer.close();
    }
  });
});
