// Bee-Queue under test (Node), with its defaults except the key prefix and
// the roles (producers are not workers; only the latency producer gets events).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Queue = require("bee-queue");
const version = require("bee-queue/package.json").version;

function redis(url) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 6379) };
}

export function open({ url, prefix, queue }) {
  return {
    version: `bee-queue ${version}`,
    async producer({ events }) {
      const q = new Queue(queue, {
        prefix,
        redis: redis(url),
        isWorker: false,
        getEvents: events,
      });
      // Results are awaited through the queue's "job succeeded" events, keyed
      // by a custom id set before saving: a job's own "succeeded" event is lost
      // when the worker finishes before save() has returned (the job is only
      // registered for its events then).
      const waiting = new Map();
      q.on("job succeeded", (id) => {
        waiting.get(id)?.();
        waiting.delete(id);
      });
      await q.ready();
      return {
        async enqueue(i) {
          await q.createJob({ i }).save();
        },
        async enqueueBulk(list) {
          const errors = await q.saveAll(list.map((i) => q.createJob({ i })));
          if (errors.size > 0) throw [...errors.values()][0];
        },
        enqueueAndWait(i) {
          return new Promise((resolve, reject) => {
            const id = `latency-${i}`;
            waiting.set(id, resolve);
            q.createJob({ i }).setId(id).save().catch(reject);
          });
        },
        close: () => q.close(),
      };
    },
    // The round trip of Bee-Queue's own Redis client (node_redis 3), for the bench's floor.
    async client() {
      const q = new Queue(queue, { prefix, redis: redis(url), isWorker: false, getEvents: false });
      await q.ready();
      return {
        ping: () =>
          new Promise((resolve, reject) => q.client.ping((e, r) => e ? reject(e) : resolve(r))),
        close: () => q.close(),
      };
    },
    async worker({ concurrency, onDone }) {
      const q = new Queue(queue, {
        prefix,
        redis: redis(url),
        isWorker: true,
        getEvents: false,
      });
      q.on("succeeded", onDone);
      q.on("error", (error) => console.error("bee-queue error:", error));
      await q.ready();
      return {
        start() {
          q.process(concurrency, async () => {});
        },
        close: () => q.close(),
      };
    },
  };
}
