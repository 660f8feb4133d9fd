/**
 * Redis only: an idle worker whose blocking connection goes silent (a dead
 * network path that is not closed) still wakes after `idleMs` and fetches;
 * a worker whose connections are cut again and again (CLIENT
 * KILL every 300 ms) still wakes up to reclaim an expired lease. ioredis
 * resends a blocking read cut by a dropped connection, which restarts its
 * timeout; the fault suite's cut-connections scenario found idle workers
 * waiting forever that way while a job's lease had long expired.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import net from "node:net";
import { Redis } from "ioredis";
import { Repid, Worker } from "../../mod.ts";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { waitFor } from "../support/wait.ts";

/** Closes every connection named `name` (ours only: the Redis is shared). */
async function cut(redis: Redis, name: string): Promise<number> {
  const list = (await redis.client("LIST")) as string;
  let closed = 0;
  for (const line of list.split("\n")) {
    const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
    if (id && line.includes(` name=${name} `)) {
      closed += Number(await redis.client("KILL", "ID", id).catch(() => 0));
    }
  }
  return closed;
}

test("Worker: an idle worker whose connections keep being cut still reclaims an expired lease", async () => {
  const prefix = testPrefix("cut-connections");
  const name = `repid-cut-${prefix.slice(-8)}`;
  const admin = new Redis(REDIS_URL);
  const workerClient = new Redis(REDIS_URL, { connectionName: name });
  workerClient.on("error", () => {});
  const orphaner = new RedisBackend(REDIS_URL, { prefix });
  const producer = new Repid(REDIS_URL, { prefix });
  const worker = new Worker(workerClient, { prefix, leaseMs: 1_000, logger: "silent" });
  worker.actor(function echo(n: number): number {
    return n;
  });
  let cutting = true;
  try {
    const job = await producer.enqueueJob("echo", { args: [7] });
    // A lease nobody will renew: as if its worker died right after the fetch.
    const { jobs } = await orphaner.fetch("default", 1, 500, "orphan-token");
    assert.deepEqual(jobs.map((j) => j.id), [job.id]);

    const running = worker.runForever({ handleSignals: false });
    let cuts = 0;
    const cutter = (async () => {
      while (cutting) {
        await delay(300); // the fault: a cut every 300 ms
        if (cutting) cuts += (await cut(admin, name)) > 0 ? 1 : 0;
      }
    })();
    const result = await job.waitResult({ timeoutMs: 20_000 });
    cutting = false;
    await cutter;
    assert.equal(result.value, 7);
    assert.equal(result.deliveries, 2, "the orphaned lease was reclaimed");
    assert.ok(cuts > 0, "connections were cut meanwhile");
    await worker.stop();
    await running;
  } finally {
    cutting = false;
    await worker.stop({ graceMs: 0 });
    await producer.close();
    await orphaner.close();
    workerClient.disconnect();
    admin.disconnect();
    await cleanup(prefix);
  }
});

test("Worker: an idle worker whose blocking connection went silent keeps fetching", async () => {
  const prefix = testPrefix("silent-connection");
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
    await cleanup(prefix);
  }
});
