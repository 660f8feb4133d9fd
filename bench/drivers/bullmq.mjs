// BullMQ under test (Node), with its defaults except the key prefix.
import { createRequire } from "node:module";
import { Queue, QueueEvents, Worker } from "bullmq";

const version = createRequire(import.meta.url)("bullmq/package.json").version;

function connection(url) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    maxRetriesPerRequest: null,
  };
}

export function open({ url, prefix, queue }) {
  return {
    version: `bullmq ${version}`,
    async producer({ events }) {
      const q = new Queue(queue, { connection: connection(url), prefix });
      let qe;
      if (events) {
        qe = new QueueEvents(queue, { connection: connection(url), prefix });
        await qe.waitUntilReady();
      }
      return {
        async enqueue(i) {
          await q.add("noop", { i });
        },
        async enqueueBulk(list) {
          await q.addBulk(list.map((i) => ({ name: "noop", data: { i } })));
        },
        async enqueueAndWait(i) {
          const job = await q.add("noop", { i });
          await job.waitUntilFinished(qe);
        },
        async close() {
          await qe?.close();
          await q.close();
        },
      };
    },
    // The round trip of BullMQ's own Redis client (ioredis), for the bench's floor.
    async client() {
      const q = new Queue(queue, { connection: connection(url), prefix });
      const redis = await q.backend.client; // BullMQ 6.7: the raw client lives on the backend
      return { ping: () => redis.ping(), close: () => q.close() };
    },
    async worker({ concurrency, onDone }) {
      const worker = new Worker(queue, async () => {}, {
        connection: connection(url),
        prefix,
        concurrency,
        autorun: false,
      });
      worker.on("completed", onDone);
      worker.on("error", (error) => console.error("bullmq error:", error));
      await worker.waitUntilReady();
      return {
        start() {
          void worker.run();
        },
        close: () => worker.close(),
      };
    },
  };
}
