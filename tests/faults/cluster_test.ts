/**
 * Scenarios 8-11: a Redis Cluster of 3 masters + 3 replicas (its own
 * redis-server processes on free ports of 6600-6639, `cluster-node-timeout`
 * 2 s) loses a master mid-run while a producer enqueues onto three queues,
 * one per master, and a worker runs them. Nobody helps the worker or the
 * producer.
 *
 * - kill -9 of a master (restarted once its replica took over, so that it
 *   rejoins as a replica), default durability: the lost count is printed (a
 *   failover may drop the last writes the replica had not received);
 * - the same with `durability: "replicated"`: no job whose enqueue returned
 *   is lost (enqueues that no replica confirmed fail instead);
 * - SIGSTOP of a master past the failover timeout (6 s), with
 *   `durability: "replicated"`: nothing lost;
 * - a slot migration of a busy queue: nothing lost, the queue works after.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { setTimeout as delay } from "node:timers/promises";
import { type Durability, type Job, type JobResult, Repid, Worker } from "../../mod.ts";
import { keySlot } from "../../src/backend/redis/key_slot.ts";
import { deferred } from "../../src/core/sleep.ts";
import { RedisCluster } from "../support/redis_cluster.ts";
import { spread, summaryLine } from "./support/ledger.ts";

const JOBS = Number(process.env.REPID_FAULT_JOBS ?? 3_000);
const NODE_TIMEOUT_MS = 2_000;
/** How long a master stays frozen: past the failover (the fault, not a synchronisation). */
const PAUSE_MS = 3 * NODE_TIMEOUT_MS;

type Fault = "kill" | "pause" | "migrate";

interface Outcome {
  lost: number;
  enqueued: number;
}

async function scenario(name: string, fault: Fault, durability: Durability): Promise<Outcome> {
  const cluster = await RedisCluster.start({ ports: [6600, 6639], nodeTimeoutMs: NODE_TIMEOUT_MS });
  const prefix = `faults-${name}`;
  const masters = await cluster.masters();
  const queues = masters.map((m, i) => cluster.queueOn(m, `q${i}-`));
  const hit = masters[0];
  const worker = new Worker(cluster.url, {
    prefix,
    logger: "silent",
    concurrency: 30,
    leaseMs: 2_000,
    durability,
  });
  const runs = new Map<string, number>();
  for (const queue of queues) {
    worker.actor(async function work(this: { jobId: string }, n: number) {
      runs.set(this.jobId, (runs.get(this.jobId) ?? 0) + 1);
      await delay(1);
      return n * 2;
    }, { queue, name: `work_${queue}` });
  }
  const producer = new Repid(cluster.url, { prefix, durability });
  try {
    const running = worker.runForever({ handleSignals: false });
    const returned: { job: Job<unknown>; n: number }[] = [];
    const failed: unknown[] = [];
    const pending: Promise<void>[] = [];
    const faultNow = deferred<void>();
    const began = Date.now();
    const producing = (async () => {
      for (let start = 0; start < JOBS; start += 15) {
        for (let n = start; n < Math.min(JOBS, start + 15); n++) {
          const queue = queues[n % queues.length];
          pending.push(
            producer.enqueueJob(`work_${queue}`, { args: [n], queue }).then(
              (job) => void returned.push({ job, n }),
              (error) => void failed.push(error),
            ),
          );
        }
        if (returned.length >= JOBS * 0.4) faultNow.resolve();
        await delay(25); // the producer's pace
      }
      await Promise.all(pending);
    })();

    await faultNow.promise;
    const faultAt = Date.now();
    let back = 0;
    if (fault === "kill") {
      await hit.server.kill("SIGKILL");
      // Once its replica took over, it comes back (as a supervisor would restart it) and
      // joins as the new master's replica: the queue has a replica again.
      await cluster.waitUntilOk();
      await hit.server.restart();
      back = Date.now();
    }
    if (fault === "pause") {
      hit.server.pause();
      await delay(PAUSE_MS);
      hit.server.resume();
    }
    if (fault === "migrate") {
      await cluster.migrateSlot(keySlot(`{${queues[0]}}`), hit, masters[1], 50);
    }
    const faultEnd = fault === "kill" ? faultAt : Date.now();
    await producing;
    // Jobs enqueued once the fault is over: the queue must take and run them (the
    // enqueues sent meanwhile may all have failed, as "replicated" asks).
    for (let n = JOBS; n < JOBS + 30; n++) {
      const job = await producer.enqueueJob(`work_${queues[0]}`, { args: [n], queue: queues[0] });
      returned.push({ job, n });
    }

    const settled = await Promise.allSettled(
      returned.map(({ job }) => job.waitResult({ timeoutMs: 90_000 }) as Promise<JobResult>),
    );
    const lost = returned.filter(({ n }, i) => {
      const s = settled[i];
      return s.status === "rejected" || s.value.value !== n * 2;
    });
    const after = settled
      .filter((s, i) => s.status === "fulfilled" && returned[i].job.queue === queues[0])
      .map((s) => (s as PromiseFulfilledResult<JobResult>).value.finishedAt ?? 0)
      .filter((t) => t >= faultEnd);
    const duplicateRuns = [...runs.values()].reduce((sum, c) => sum + c - 1, 0);
    console.log(summaryLine(name, {
      jobs: returned.length,
      lost: lost.length,
      duplicateRuns,
      deadLettered: settled.filter((s) => s.status === "fulfilled" && s.value.status === "dead")
        .length,
      recover: after.length ? spread([Math.min(...after) - faultEnd]) : null,
      detail: `${fault} of the master of queue ${queues[0]}` +
        (fault === "kill"
          ? ` (back as a replica after ${back - faultAt} ms)`
          : ` for ${faultEnd - faultAt} ms`) +
        `, durability ${durability}, ${failed.length} enqueues failed` +
        (failed.length ? ` (${String(failed[0]).slice(0, 100)})` : "") +
        (lost.length
          ? ` (first lost: ${
            String(
              (settled[returned.indexOf(lost[0])] as PromiseRejectedResult).reason ?? "wrong value",
            )
          })`
          : "") +
        `; ${((Date.now() - began) / 1000).toFixed(1)} s`,
    }));
    assert.ok(after.length > 0, `queue ${queues[0]} ran jobs again after the fault`);
    await worker.stop({ graceMs: 1_000 });
    await running;
    return { lost: lost.length, enqueued: returned.length };
  } finally {
    await worker.stop({ graceMs: 0 });
    await producer.close();
    await cluster.stop();
  }
}

test("faults: cluster master killed (kill -9), default durability: the worker and the producer resume; lost count printed", async () => {
  const { enqueued } = await scenario("cluster-kill", "kill", "primary");
  assert.ok(enqueued > JOBS * 0.9, `most enqueues returned (${enqueued} of ${JOBS})`);
});

test("faults: cluster master killed (kill -9) with durability replicated: no job whose enqueue returned is lost", async () => {
  const { lost } = await scenario("cluster-kill-replicated", "kill", "replicated");
  assert.equal(lost, 0);
});

test("faults: cluster master paused (SIGSTOP) past the failover timeout, durability replicated: nothing lost", async () => {
  const { lost } = await scenario("cluster-pause-replicated", "pause", "replicated");
  assert.equal(lost, 0);
});

test("faults: the slot of a busy queue migrates to another master: nothing lost, the queue works after", async () => {
  const { lost } = await scenario("cluster-migrate", "migrate", "primary");
  assert.equal(lost, 0);
});
