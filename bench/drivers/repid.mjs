// Repid under test: `REPID_MODULE` (relative to this file) is `../../mod.ts`
// on Deno and `../../npm/esm/mod.js` (the npm build) on Node.
import { readFileSync } from "node:fs";
import process from "node:process";

const modulePath = process.env.REPID_MODULE ?? "../../mod.ts";

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
      return {
        async enqueue(i) {
          await producer.enqueueJob("noop", { args: [i], queue });
        },
        async enqueueBulk(list) {
          await producer.enqueueJobs(
            list.map((i) => ({ actor: "noop", args: [i], queue })),
          );
        },
        async enqueueAndWait(i) {
          const job = await producer.enqueueJob("noop", { args: [i], queue });
          await job.result;
        },
        close: () => producer.close(),
      };
    },
    worker({ concurrency, onDone, retention }) {
      // "job done" is logged once the job's ack (and result) is stored.
      const logger = {
        debug() {},
        info(message) {
          if (message === "job done") onDone();
        },
        warn(message, fields) {
          console.error("repid warn:", message, fields);
        },
        error(message, fields) {
          console.error("repid error:", message, fields);
        },
      };
      const worker = new Worker(url, {
        prefix,
        concurrency,
        logger,
        ...(retention ? { retention: { done: retention } } : {}),
      });
      worker.actor(async function noop(_i) {}, { queue });
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
