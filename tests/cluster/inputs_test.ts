/**
 * The ways to reach a Redis Cluster: an ioredis `Cluster` client, a
 * `redis+cluster://` URL, and the CLI's `--redis-url`. Runs on the cluster of
 * `deno task test:cluster` (skipped without it).
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Cluster } from "ioredis";
import { Repid, Worker } from "../../mod.ts";
import { cleanup, CLUSTER_MODE, REDIS_CLUSTER_URL, testPrefix } from "../support/redis.ts";
import { runDeno, within } from "../support/subprocess.ts";

const skip = CLUSTER_MODE ? false : "needs the cluster of `deno task test:cluster`";

/** The start-up nodes of the shared cluster. */
function nodes(): { host: string; port: number }[] {
  return REDIS_CLUSTER_URL.replace("redis+cluster://", "").split(",").map((hp) => ({
    host: hp.split(":")[0],
    port: Number(hp.split(":")[1]),
  }));
}

/** Queue names whose keys land on different slots (and so, mostly, on different masters). */
const QUEUES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];

describe("Redis Cluster inputs", { skip }, () => {
  const prefix = testPrefix("cluster-inputs");
  after(() => cleanup(prefix));

  it("`Worker` and `Repid` take an ioredis `Cluster`, and leave it open", async () => {
    const cluster = new Cluster(nodes());
    const worker = new Worker(cluster, { prefix, logger: "silent" });
    for (const queue of QUEUES) {
      worker.actor(async function echo(x: string) {
        await Promise.resolve();
        return `${queue}:${x}`;
      }, { queue, name: `echo_${queue}` });
    }
    const producer = new Repid(cluster, { prefix });
    try {
      const running = worker.runForever();
      const jobs = await Promise.all(
        QUEUES.map((q) => producer.enqueueJob(`echo_${q}`, { args: ["hi"], queue: q })),
      );
      const results = await Promise.all(jobs.map((j) => j.waitResult({ timeoutMs: 20_000 })));
      assert.deepEqual(results.map((r) => r.value), QUEUES.map((q) => `${q}:hi`));
      await worker.stop();
      await running;
      await producer.close();
      assert.equal(await cluster.ping(), "PONG", "the caller's client stays open");
    } finally {
      await worker.stop({ graceMs: 0 });
      await producer.close();
      await cluster.quit();
    }
  });

  it("`deno task worker --redis-url redis+cluster://…` runs jobs on the cluster", async () => {
    const producer = new Repid(REDIS_CLUSTER_URL, { prefix });
    const run = runDeno([
      "run",
      "-A",
      "src/cli/main.ts",
      "worker",
      "tests/integration/fixtures/cli_actors.ts",
      "--prefix",
      prefix,
      "--redis-url",
      REDIS_CLUSTER_URL,
    ]);
    try {
      const job = await producer.enqueueJob("cli_double", { args: [21] });
      const result = await job.waitResult({ timeoutMs: 60_000 });
      assert.equal(result.value, 42);
      run.signal("SIGTERM");
      const { code } = await within(run.exited, 60_000, "worker exit after SIGTERM");
      assert.equal(code, 0, `${run.stdout()}\n${run.stderr()}`);
    } finally {
      run.kill();
      await producer.close();
    }
  });

  it('`durability: "replicated"`: enqueues on every master return once its replica has them', async () => {
    const producer = new Repid(REDIS_CLUSTER_URL, { prefix, durability: "replicated" });
    const replicas = new Cluster(nodes(), { scaleReads: "slave" });
    try {
      const jobs = await Promise.all(
        QUEUES.map((queue) =>
          producer.enqueueJob("later", { queue, deferUntil: Date.now() + 60_000 })
        ),
      );
      for (const job of jobs) {
        const key = `${prefix}:{${job.queue}}:job:${job.id}`;
        assert.equal(await replicas.hget(key, "status"), "deferred", `${job.queue} on a replica`);
      }
    } finally {
      await producer.close();
      await replicas.quit();
    }
  });
});
