/**
 * Contract tests of leases, run against each backend with a way to make a
 * lease expire at once: a job whose lease expired and that the same worker
 * leases again is tracked once: the stale run is told to stop, the live run
 * keeps its lease and is handed back on shutdown.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as turn } from "node:timers/promises";
import { Redis } from "ioredis";
import { type JobContext, LeaseLostError, MemoryBackend, Repid, Worker } from "../../mod.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { latch, waitFor } from "../support/wait.ts";

interface Store {
  name: string;
  worker(options: ConstructorParameters<typeof Worker>[1]): Worker;
  producer(): Repid;
  /** Makes the lease of job `id` of `queue` expire now. */
  expireLease(queue: string, id: string): Promise<void>;
  close(): Promise<void>;
}

function redisStore(): Store {
  const prefix = testPrefix("contract-leases");
  const redis = new Redis(REDIS_URL);
  const closers: (() => Promise<void>)[] = [];
  return {
    name: "redis",
    worker(options) {
      const w = new Worker(REDIS_URL, { prefix, logger: "silent", ...options });
      closers.push(() => w.stop({ graceMs: 0 }));
      return w;
    },
    producer() {
      const p = new Repid(REDIS_URL, { prefix });
      closers.push(() => p.close());
      return p;
    },
    async expireLease(queue, id) {
      await redis.zadd(`${prefix}:{${queue}}:active`, 0, id);
      // a lease that expired at 0 is before any lease hint: the hint goes (fetch then looks)
      await redis.del(`${prefix}:{${queue}}:lease-hint`);
    },
    async close() {
      for (const c of closers) await c();
      await redis.quit();
      await cleanup(prefix);
    },
  };
}

function memoryStore(): Store {
  let skew = 0;
  const backend = new MemoryBackend({ now: () => Date.now() + skew });
  const closers: (() => Promise<void>)[] = [];
  return {
    name: "memory",
    worker(options) {
      const w = new Worker(null, { logger: "silent", ...options, backend });
      closers.push(() => w.stop({ graceMs: 0 }));
      return w;
    },
    producer() {
      const p = new Repid(null, { backend });
      closers.push(() => p.close());
      return p;
    },
    expireLease() {
      skew += 3_600_000; // past any lease of these tests
      return Promise.resolve();
    },
    async close() {
      for (const c of closers) await c();
      backend.clear();
      await backend.close();
    },
  };
}

for (const make of [redisStore, memoryStore]) {
  const store = make();
  describe(`[${store.name}] leases`, () => {
    after(() => store.close());

    it("a job leased again by the same worker stops its stale run and keeps the live one", async () => {
      const producer = store.producer();
      const signals: AbortSignal[] = [];
      const started = [latch(), latch()];
      const gates = [latch(), latch()];
      let staleReturned = false;
      const worker = store.worker({ concurrency: 4, leaseMs: 30_000 });
      worker.actor(async function relet(this: JobContext) {
        const n = signals.length;
        signals.push(this.signal);
        started[n].open();
        await gates[n].opened;
        if (n === 0) staleReturned = true;
        return n;
      }, { queue: "relet" });
      worker.actor(async function poke() {}, { queue: "relet" });
      const running = worker.runForever({ handleSignals: false });

      const job = await producer.enqueueJob("relet", { queue: "relet" });
      await started[0].opened;
      // The lease runs out while the job still runs here (as after a long
      // pause or an outage); the next fetch of this same worker takes it again.
      await store.expireLease("relet", job.id);
      await (await producer.enqueueJob("poke", { queue: "relet" })).result;
      await started[1].opened;
      assert.equal((await job.info())?.deliveries, 2);
      assert.equal(signals[0].aborted, true, "the stale run is told that its lease is gone");
      assert.ok(signals[0].reason instanceof LeaseLostError);
      assert.equal(signals[1].aborted, false);

      gates[0].open();
      await waitFor("the stale run to return", () => staleReturned);
      for (let i = 0; i < 3; i++) {
        await turn();
        await job.info(); // a store round trip: lets any write of the stale run land
      }
      assert.equal(worker.runningCount, 1, "the live run is still tracked");

      await worker.stop({ graceMs: 0 });
      await running;
      assert.equal(await job.status(), "queued", "the live run's lease was handed back");
      gates[1].open();
    });
  });
}
