/**
 * Redis only: `durability: "replicated"` on a primary with one replica (its
 * own redis-server processes on free ports of 6600-6639). Writes wait for
 * the replica (`WAIT`); when it does not confirm, an enqueue fails with a
 * `ReplicationError` and an ack stands on the primary with a warning.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { Repid, ReplicationError, Worker } from "../../mod.ts";
import { RedisServer } from "../support/redis_server.ts";
import { freePorts } from "../support/redis_cluster.ts";
import { testPrefix } from "../support/redis.ts";
import { waitFor } from "../support/wait.ts";

describe("durability: replicated", () => {
  let primary: RedisServer;
  let replica: RedisServer;
  let replicaClient: Redis;
  before(async () => {
    const [p1, p2] = await freePorts([6600, 6639], 2);
    primary = await RedisServer.start({ port: p1, exactPort: true });
    replica = await RedisServer.start({
      port: p2,
      exactPort: true,
      args: ["--replicaof", "127.0.0.1", String(p1)],
    });
    replicaClient = new Redis(p2, "127.0.0.1");
    await waitFor(
      "the replica's link",
      async () => (await replicaClient.info("replication")).includes("master_link_status:up"),
    );
  });
  after(async () => {
    replicaClient?.disconnect();
    await replica?.stop();
    await primary?.stop();
  });

  it("an enqueue returns once the replica has the job", async () => {
    const prefix = testPrefix("durability");
    const producer = new Repid(primary.url, { prefix, durability: "replicated" });
    try {
      const jobs = await Promise.all([
        producer.enqueueJob("a", { queue: "one" }),
        producer.enqueueJob("b", { queue: "one" }),
        producer.enqueueJob("c", { queue: "two" }),
      ]);
      for (const job of jobs) {
        const onReplica = await replicaClient.hget(
          `${prefix}:{${job.queue}}:job:${job.id}`,
          "status",
        );
        assert.equal(onReplica, "queued", `job ${job.id} on the replica when its enqueue returned`);
      }
    } finally {
      await producer.close();
    }
  });

  it("with the replica paused: a replicated enqueue fails with ReplicationError, an ack stands with a warning", async () => {
    const prefix = testPrefix("durability-paused");
    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn(message: string) {
        warnings.push(message);
      },
      error() {},
    };
    const replicated = new Repid(primary.url, {
      prefix,
      durability: "replicated",
      replicaTimeoutMs: 200,
    });
    const plain = new Repid(primary.url, { prefix });
    const worker = new Worker(primary.url, {
      prefix,
      logger,
      durability: "replicated",
      replicaTimeoutMs: 200,
    });
    worker.actor(async function answer() {
      await Promise.resolve();
      return 42;
    });
    try {
      const job = await plain.enqueueJob("answer");
      replica.pause();
      await assert.rejects(
        replicated.enqueueJob("answer", { queue: "held" }),
        (error: unknown) => {
          assert.ok(error instanceof ReplicationError, String(error));
          assert.match(
            error.message,
            /^Cannot enqueue job on queue "held" with durability "replicated": no replica confirmed the write within 200 ms/,
          );
          return true;
        },
      );
      const stored = await plain.enqueueJob("answer");
      void worker.runForever({ handleSignals: false });
      for (const j of [job, stored]) {
        assert.equal((await j.waitResult({ timeoutMs: 20_000 })).value, 42);
      }
      await waitFor("the warning", () => warnings.includes("ack not confirmed by a replica"));
    } finally {
      replica.resume();
      await worker.stop({ graceMs: 0 });
      await replicated.close();
      await plain.close();
    }
  });

  it("refuses a bad durability setting naming it", () => {
    assert.throws(
      () => new Repid(primary.url, { durability: "quorum" as "replicated" }),
      new TypeError(
        'Cannot create producer: option durability is "quorum", expected "primary" or "replicated"',
      ),
    );
    assert.throws(
      () => new Worker(primary.url, { replicaTimeoutMs: 0 }),
      /option replicaTimeoutMs is 0, expected a whole number of milliseconds ≥ 1/,
    );
  });
});
