/**
 * Review findings in the Redis backend (Redis only: they need raw keys or a
 * second subscriber on one backend, which the in-memory store lacks):
 * - stored job fields that are valid JSON of the wrong type (errors that are
 *   not an array, options that are not an object, option values that are
 *   not durations) do not crash the worker's handling of the job;
 * - an idle worker whose blocking connection stopped answering (without
 *   being closed) still wakes after `idleMs` and fetches;
 * - `onFinished` resolves only once the channel's subscription is active,
 *   also for a second listener of the same queue.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { Redis } from "ioredis";
import { Repid, Worker } from "../../mod.ts";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { waitFor } from "../support/wait.ts";

describe("review: Redis backend", () => {
  const prefix = testPrefix("review-redis");
  const base = `${prefix}:{default}`;
  let redis: Redis;
  before(() => {
    redis = new Redis(REDIS_URL);
  });
  after(async () => {
    await redis.quit();
    await cleanup(prefix);
  });

  it("runs jobs whose stored errors or options are JSON of the wrong type", async () => {
    const fields = { status: "queued", actor: "double", deliveries: "0", attempts: "0" };
    const jobs: Record<string, Record<string, string>> = {
      "errors-object": { ...fields, args: "[1]", errors: "{}" },
      "errors-number": { ...fields, args: "[2]", errors: "7", opts: "[1,2]" },
      "opts-null": { ...fields, args: "[3]", opts: "null" },
      "opts-bad-values": {
        ...fields,
        args: "[4]",
        opts: '{"resultTtlMs":"soon","timeoutMs":"x","schedule":5}',
      },
    };
    for (const [id, h] of Object.entries(jobs)) {
      await redis.hset(`${base}:job:${id}`, { ...h, enq: String(Date.now()) });
      await redis.rpush(`${base}:ready`, id);
    }
    const worker = new Worker(REDIS_URL, { prefix, logger: "silent", leaseMs: 1_000 });
    worker.actor(async function double(n: number) {
      await new Promise((r) => setTimeout(r, 5));
      return n * 2;
    });
    const running = worker.runForever({ handleSignals: false });
    const producer = new Repid(REDIS_URL, { prefix, recheckMs: 60_000 });
    try {
      for (const [id, h] of Object.entries(jobs)) {
        const job = await producer.getJob(id);
        const result = await job!.waitResult({ timeoutMs: 10_000 });
        assert.equal(result.status, "done", `${id}: ${JSON.stringify(result.error)}`);
        assert.equal(result.value, (JSON.parse(h.args) as number[])[0] * 2);
        assert.ok((await redis.pttl(`${base}:job:${id}`)) > 0, `${id}: the result expires`);
      }
    } finally {
      await worker.stop();
      await running;
      await producer.close();
    }
  });

  it("an idle worker whose blocking connection went silent keeps fetching", async () => {
    // A proxy in front of Redis that can swallow the traffic of one connection
    // without closing it, as a dead network path (NAT, a cut cable) does.
    const upstream = new URL(REDIS_URL);
    let accepted = 0;
    let silenced = 0;
    const blocking = new Set<number>(); // connections that sent BLPOP
    const sockets: net.Socket[] = [];
    const proxy = net.createServer((client) => {
      const index = ++accepted;
      const server = net.connect(Number(upstream.port || 6379), upstream.hostname);
      sockets.push(client, server);
      client.on("data", (d) => {
        if (/blpop/i.test(d.toString())) blocking.add(index);
        if (index !== silenced) server.write(d);
      });
      server.on("data", (d) => index !== silenced && client.write(d));
      for (const s of [client, server]) s.on("error", () => {});
      client.on("close", () => server.destroy());
      server.on("close", () => client.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const port = (proxy.address() as net.AddressInfo).port;
    const worker = new Worker(`redis://127.0.0.1:${port}`, {
      prefix,
      logger: "silent",
      idleMs: 300,
    });
    worker.actor(function zombie_echo(n: number) {
      return n;
    }, { queue: "zombie" });
    const running = worker.runForever({ handleSignals: false });
    const producer = new Repid(REDIS_URL, { prefix });
    try {
      const first = await producer.enqueueJob("zombie_echo", { queue: "zombie", args: [1] });
      assert.equal((await first.waitResult({ timeoutMs: 10_000 })).value, 1);
      // The worker's connections: one runs the scripts, one blocks while idle.
      const idle = await waitFor("a blocking read", () => [...blocking][0]);
      silenced = idle;
      const second = await producer.enqueueJob("zombie_echo", { queue: "zombie", args: [2] });
      assert.equal((await second.waitResult({ timeoutMs: 10_000 })).value, 2);
    } finally {
      await worker.stop({ graceMs: 0 });
      await running;
      await producer.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });

  it("`onFinished` resolves for every listener only once the subscription is active", async () => {
    const backend = new RedisBackend(REDIS_URL, { prefix });
    try {
      const order: string[] = [];
      const first = backend.onFinished("sub", () => {}).then((off) => {
        order.push("first");
        return off;
      });
      const second = backend.onFinished("sub", () => {}).then((off) => {
        order.push("second");
        return off;
      });
      const offs = await Promise.all([first, second]);
      assert.deepEqual(
        order,
        ["first", "second"],
        "the second listener did not wait for SUBSCRIBE",
      );
      for (const off of offs) await off();
    } finally {
      await backend.close();
    }
  });
});
