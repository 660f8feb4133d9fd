/**
 * Finished messages on a Redis Cluster: sharded pub/sub keeps them on the
 * queue's master, and a subscriber that goes silent or whose slot moves
 * leads to a re-read of pending waits at once, not at the safety-net
 * recheck. Starts its own cluster of 3 masters (it pauses and reshards them).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { Repid, Worker } from "../../mod.ts";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import { keySlot } from "../../src/backend/redis/key_slot.ts";
import { type ClusterNode, RedisCluster } from "../support/redis_cluster.ts";
import { CLUSTER_MODE, testPrefix } from "../support/redis.ts";
import { latch, waitFor } from "../support/wait.ts";

const skip = CLUSTER_MODE ? false : "needs `deno task test:cluster` (starts redis-server nodes)";

/** Longer than any test: a result can only come from a message or a gap-triggered re-read. */
const NO_RECHECK_MS = 600_000;

/** The master that holds a connection subscribed to a (non-sharded) channel. */
async function subscriberNode(masters: ClusterNode[]): Promise<ClusterNode | undefined> {
  for (const m of masters) {
    const r = new Redis(m.server.port, "127.0.0.1");
    const list = String(await r.call("CLIENT", "LIST").finally(() => r.disconnect()));
    if (/ sub=[1-9]/.test(list)) return m;
  }
  return undefined;
}

describe("finished messages on a Redis Cluster", { skip }, () => {
  let cluster: RedisCluster;
  let masters: ClusterNode[];
  const closers: (() => Promise<void>)[] = [];
  before(async () => {
    cluster = await RedisCluster.start({ ports: [6600, 6639], replicas: 0, nodeTimeoutMs: 15_000 });
    masters = await cluster.masters();
  });
  after(async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
    await cluster?.stop();
  });

  /** A worker on a backend of its own (options as given). */
  function openWorker(prefix: string, options: { pubsub?: "broadcast" } = {}): Worker {
    const store = new RedisBackend(cluster.url, { prefix, ...options });
    const worker = new Worker(null, { backend: store, logger: "silent" });
    closers.push(async () => {
      await worker.stop({ graceMs: 0 });
      await store.close();
    });
    return worker;
  }

  /** A worker and a producer on backends of their own (options as given). */
  function open(prefix: string, options: { pubsub?: "broadcast" } = {}) {
    const store = new RedisBackend(cluster.url, { prefix, ...options });
    const producer = new Repid(null, { backend: store, recheckMs: NO_RECHECK_MS });
    closers.push(async () => {
      await producer.close();
      await store.close();
    });
    return { worker: openWorker(prefix, options), producer };
  }

  it("announces finished jobs on the queue's own master only (SPUBLISH)", async () => {
    const prefix = testPrefix("cluster-sharded");
    const [home, ...others] = masters;
    const queue = cluster.queueOn(home, "home");
    // Listeners on the other masters: a PUBLISH would reach them, an SPUBLISH does not.
    const heard: string[] = [];
    const spies = others.map((m) => {
      const spy = new Redis(m.server.port, "127.0.0.1");
      spy.on("message", (channel: string) => heard.push(channel));
      return spy;
    });
    const channel = `${prefix}:{${queue}}:finished`;
    await Promise.all(spies.map((s) => s.subscribe(channel)));
    const { worker, producer } = open(prefix);
    worker.actor(async function double(n: number) {
      await Promise.resolve();
      return n * 2;
    }, { queue });
    void worker.runForever();
    const jobs = await Promise.all(
      Array.from({ length: 50 }, (_, n) => producer.enqueueJob("double", { args: [n], queue })),
    );
    const results = await Promise.all(jobs.map((j) => j.waitResult({ timeoutMs: 20_000 })));
    assert.deepEqual(results.map((r) => r.value), Array.from({ length: 50 }, (_, n) => n * 2));
    spies.forEach((s) => s.disconnect());
    assert.deepEqual(heard, [], "no finished message reached another master");
  });

  it("a silent subscriber node (SIGSTOP) leads to a re-read: results arrive", async () => {
    const prefix = testPrefix("cluster-silent");
    const { worker, producer } = open(prefix, { pubsub: "broadcast" });
    // Subscribe first (on some master), then put the job on another master.
    const warm = `warm${crypto.randomUUID().slice(0, 4)}`;
    worker.actor(async function warmup() {}, { queue: warm });
    void worker.runForever();
    await (await producer.enqueueJob("warmup", { queue: warm })).waitResult({ timeoutMs: 20_000 });
    const sub = await waitFor("the subscriber's node", () => subscriberNode(masters));
    const queue = cluster.queueOn(masters.find((m) => m.id !== sub.id)!, "away");
    const gate = latch();
    const started = latch();
    const gatedWorker = openWorker(prefix, { pubsub: "broadcast" });
    gatedWorker.actor(async function gated() {
      started.open();
      await gate.opened;
      return "done";
    }, { queue });
    void gatedWorker.runForever();
    const job = await producer.enqueueJob("gated", { queue });
    const result = job.waitResult({ timeoutMs: 20_000 });
    await started.opened;
    sub.server.pause();
    try {
      const t0 = Date.now();
      gate.open();
      assert.equal((await result).value, "done");
      console.log(`[cluster] result after SIGSTOP of the subscriber's node: ${Date.now() - t0} ms`);
    } finally {
      sub.server.resume();
    }
  });

  it("a queue whose slot moves to another master: its subscription follows", async () => {
    const prefix = testPrefix("cluster-moved");
    const [from, to] = masters;
    const queue = cluster.queueOn(from, "moving");
    const { worker, producer } = open(prefix);
    const gate = latch();
    const started = latch();
    worker.actor(async function held() {
      started.open();
      await gate.opened;
      return "moved";
    }, { queue });
    void worker.runForever();
    const job = await producer.enqueueJob("held", { queue });
    const result = job.waitResult({ timeoutMs: 20_000 });
    await started.opened;
    await cluster.migrateSlot(keySlot(`{${queue}}`), from, to);
    const t0 = Date.now();
    gate.open();
    assert.equal((await result).value, "moved");
    console.log(`[cluster] result after the slot moved: ${Date.now() - t0} ms`);
    masters = await cluster.masters();
  });
});
