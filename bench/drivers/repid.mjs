// Repid under test: `REPID_MODULE` (relative to this file) is `../../mod.ts`
// on Deno and `../../npm/esm/mod.js` (the npm build) on Node.
import { readFileSync } from "node:fs";
import process from "node:process";

const modulePath = process.env.REPID_MODULE ?? "../../mod.ts";

/**
 * The flow-control fields of job `i` (the bench's flow scenarios): `o.flow` is
 * "priority" (-10..10), "groups" (group g<i % o.groups>) or "fairness" (group
 * "big" below `o.bigGroup`, then one group per job).
 */
function flow(i, o) {
  switch (o?.flow) {
    case "priority":
      return { priority: ((i * 7) % 21) - 10 };
    case "groups":
      return { group: `g${i % o.groups}` };
    case "fairness":
      return { group: i < o.bigGroup ? "big" : `single-${i}` };
    default:
      return {};
  }
}

export async function open({ url, prefix, queue }) {
  const { Repid, Worker } = await import(
    new URL(modulePath, import.meta.url).href
  );
  return {
    version: `repid ${
      JSON.parse(
        readFileSync(new URL("../../deno.json", import.meta.url), "utf8"),
      ).version
    }`,
    producer() {
      const producer = new Repid(url, { prefix });
      if (typeof producer.enqueueJobs !== "function") {
        throw new Error(
          `${modulePath} has no Repid.enqueueJobs: the npm build is stale, run deno task build:npm`,
        );
      }
      // `o` (the cost curves): `payload`, a string sent as a second argument;
      // `queues`, a list the jobs are spread over (actor noop_<k> on queue k).
      const args = (i, o) => (o?.payload ? [i, o.payload] : [i]);
      const target = (i, o) => {
        const list = o?.queues;
        if (!list) return { actor: "noop", queue };
        const k = i % list.length;
        return { actor: `noop_${k}`, queue: list[k] };
      };
      return {
        async enqueue(i, o) {
          const t = target(i, o);
          await producer.enqueueJob(t.actor, { args: args(i, o), queue: t.queue });
        },
        async enqueueBulk(list, o) {
          await producer.enqueueJobs(
            list.map((i) => {
              const t = target(i, o);
              return { actor: t.actor, args: args(i, o), queue: t.queue, ...flow(i, o) };
            }),
          );
        },
        async enqueueAndWait(i, o) {
          const t = target(i, o);
          const job = await producer.enqueueJob(t.actor, { args: args(i, o), queue: t.queue });
          await job.result;
        },
        close: () => producer.close(),
      };
    },
    // The round trip of Repid's own Redis client (ioredis), for the bench's floor.
    async client() {
      const { Redis } = await import("ioredis");
      const redis = new Redis(url);
      return { ping: () => redis.ping(), close: () => redis.quit() };
    },
    worker({ concurrency, onDone, onStart, retention, groupConcurrency, observe = false, queues }) {
      const logger = {
        debug() {},
        info() {},
        warn(message, fields) {
          console.error("repid warn:", message, fields);
        },
        error(message, fields) {
          console.error("repid error:", message, fields);
        },
      };
      // observe: metrics and tracing (no OpenTelemetry SDK registered) on, and
      // a listener on every event; otherwise both off and only the "done" listener.
      const worker = new Worker(url, {
        prefix,
        concurrency,
        logger,
        metrics: observe,
        tracing: observe,
        ...(retention ? { retention: { done: retention } } : {}),
      });
      if (queues) {
        queues.forEach((q, k) => worker.actor(async (_i) => {}, { name: `noop_${k}`, queue: q }));
      } else if (onStart) {
        worker.actor(async function noop(i) {
          onStart(i);
          await Promise.resolve();
        }, { queue, groupConcurrency });
      } else worker.actor(async function noop(_i) {}, { queue, groupConcurrency });
      // "done" is emitted once the job's ack (and result) is stored.
      worker.on("done", () => onDone());
      if (observe) {
        let seen = 0;
        for (
          const name of [
            "started",
            "done",
            "failed",
            "retrying",
            "dead",
            "leaseLost",
            "error",
            "idle",
          ]
        ) {
          worker.on(name, () => void seen++);
        }
      }
      let running;
      return {
        start() {
          running = worker.runForever({ handleSignals: false });
        },
        async close() {
          await worker.stop({ graceMs: 0 });
          await running;
        },
      };
    },
  };
}
