/**
 * The contract-test harness: every behavioural test runs once per backend.
 * A harness opens producers and workers on one isolated store (a unique
 * key prefix on the shared Redis) and cleans it up.
 */
import {
  type Backend,
  MemoryBackend,
  Repid,
  type RepidOptions,
  Worker,
  type WorkerOptions,
} from "../../mod.ts";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import { cleanup, CLUSTER_MODE, REDIS_CLUSTER_URL, REDIS_URL, testPrefix } from "./redis.ts";

/** Producers and workers that share one isolated store. */
export interface Harness {
  /** The backend's name, for test titles. */
  readonly name: string;
  /** A new worker on the store (stopped by `close()` if still running). */
  worker(options?: WorkerOptions): Worker;
  /** A new producer on the store (closed by `close()`). */
  producer(options?: RepidOptions): Repid;
  /** The store itself, for tests that play a crashed worker (closed by `close()`). */
  backend(): Backend;
  /** Stops workers, closes producers and removes the store's data. */
  close(): Promise<void>;
}

/** A backend the contract suite runs against. */
export interface BackendCase {
  /** The backend's name. */
  name: string;
  /** Opens an isolated store. */
  open(): Harness;
}

/** Redis at `url`: the shared Redis, or the Redis Cluster of `deno task test:cluster`. */
function redisCase(name: string, url: string): BackendCase {
  return {
    name,
    open() {
      const prefix = testPrefix("contract");
      const workers: Worker[] = [];
      const producers: Repid[] = [];
      let store: RedisBackend | undefined;
      return {
        name,
        backend() {
          store ??= new RedisBackend(url, { prefix });
          return store;
        },
        worker(options = {}) {
          const w = new Worker(url, { prefix, logger: "silent", ...options });
          workers.push(w);
          return w;
        },
        producer(options = {}) {
          const p = new Repid(url, { prefix, logger: "silent", ...options });
          producers.push(p);
          return p;
        },
        async close() {
          await Promise.all(workers.map((w) => w.stop({ graceMs: 0 })));
          await Promise.all(producers.map((p) => p.close()));
          await store?.close();
          await cleanup(prefix);
        },
      };
    },
  };
}

/** The in-memory store: a fresh `MemoryBackend` per harness, passed to every worker and producer. */
function memoryCase(): BackendCase {
  return {
    name: "memory",
    open() {
      const backend = new MemoryBackend();
      const workers: Worker[] = [];
      const producers: Repid[] = [];
      return {
        name: "memory",
        backend() {
          return backend;
        },
        worker(options = {}) {
          const w = new Worker(null, { logger: "silent", ...options, backend });
          workers.push(w);
          return w;
        },
        producer(options = {}) {
          const p = new Repid(null, { logger: "silent", ...options, backend });
          producers.push(p);
          return p;
        },
        async close() {
          await Promise.all(workers.map((w) => w.stop({ graceMs: 0 })));
          await Promise.all(producers.map((p) => p.close()));
          backend.clear();
          await backend.close();
        },
      };
    },
  };
}

/**
 * The backends every contract test runs against: Redis and the in-memory
 * store, or only the Redis Cluster in cluster mode (`REDIS_CLUSTER=1`).
 */
export const backends: BackendCase[] = CLUSTER_MODE
  ? [redisCase("redis-cluster", REDIS_CLUSTER_URL)]
  : [redisCase("redis", REDIS_URL), memoryCase()];
