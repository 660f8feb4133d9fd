/**
 * Where the dashboard reads from and acts through: the user's producer, or
 * one it opens itself on the `redis` it was given (and closes).
 *
 * @module
 */

import type { Backend } from "../backend/backend.ts";
import { openBackend } from "../backend/open_backend.ts";
import type { RedisInput } from "../backend/redis/connection.ts";
import type { QueueCounts } from "../core/queue_state.ts";
import type { WorkerInfo } from "../core/worker_info.ts";
import { Repid } from "../producer/repid.ts";

/** What the dashboard's pages read and act through. */
export interface DashboardSource {
  /** The producer. */
  readonly producer: Repid;
  /** The queues to show, sorted. */
  queueNames(): Promise<string[]>;
  /** The live workers. */
  workers(): Promise<WorkerInfo[]>;
  /** How many jobs of `queue` are in each state; `null` when the source cannot tell. */
  counts(queue: string): Promise<QueueCounts | null>;
  /** Closes what the dashboard opened itself. */
  close(): Promise<void>;
}

/** How to reach the store. */
export interface SourceOptions {
  /** A producer of the application (never closed by the dashboard). */
  producer?: Repid;
  /** A Redis client or URL (or `memory://name`), when no producer is given. */
  redis?: RedisInput;
  /** The key prefix with `redis`. */
  prefix?: string;
  /** Queues to show even before any worker serves them. */
  queues?: readonly string[];
}

/** Opens the dashboard's source; `action` names the caller in errors. */
export function openSource(options: SourceOptions, action: string): DashboardSource {
  if (options.producer && options.redis !== undefined) {
    throw new TypeError(`${action}: give either producer or redis, not both`);
  }
  let producer: Repid;
  let backend: Backend | undefined;
  if (options.producer) {
    if (!(options.producer instanceof Repid)) {
      throw new TypeError(`${action}: producer must be a Repid producer, got ${options.producer}`);
    }
    producer = options.producer;
  } else if (options.redis !== undefined) {
    backend = openBackend(options.redis, { prefix: options.prefix ?? "repid" }, action);
    producer = new Repid(null, { backend, logger: "silent" });
  } else {
    throw new TypeError(`${action}: give a producer or a redis client or URL`);
  }
  const extra = [...(options.queues ?? [])];
  const workers = async () => (await backend?.listWorkers?.()) ?? [];
  return {
    producer,
    workers,
    async counts(queue) {
      return (await backend?.queueCounts(queue)) ?? null;
    },
    async queueNames() {
      const names = new Set(["default", ...extra]);
      for (const w of await workers()) for (const q of w.queues) names.add(q);
      return [...names].sort();
    },
    async close() {
      if (!backend) return;
      await producer.close();
      await backend.close();
    },
  };
}
