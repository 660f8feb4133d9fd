/**
 * Where the dashboard reads from and acts through: the user's producer, or
 * one it opens itself on the `redis` it was given (and closes). Everything
 * goes through the producer's operating API (`producer.queues()`,
 * `producer.queue(name)`, `producer.workers()`, `producer.getJob()`).
 *
 * @module
 */

import type { RedisInput } from "../backend/redis/connection.ts";
import type { QueueCounts } from "../core/queue_state.ts";
import { QueueNotFoundError } from "../errors.ts";
import { type LiveWorker, Repid } from "../producer/repid.ts";

/** A queue of the overview: its name, its counts and whether it is paused. */
export interface SourceQueue {
  /** The queue's name. */
  name: string;
  /** Whether it is paused; `null` for a queue no job was ever added to. */
  paused: boolean | null;
  /** Its jobs per state, or `null` for a queue no job was ever added to. */
  counts: QueueCounts | null;
}

/** What the dashboard's pages read and act through. */
export interface DashboardSource {
  /** The producer. */
  readonly producer: Repid;
  /** The queues to show, sorted by name, with their counts. */
  queues(): Promise<SourceQueue[]>;
  /** One queue with its counts and paused state (`null` for a queue no job was ever added to). */
  queue(name: string): Promise<SourceQueue>;
  /** The live workers. */
  workers(): Promise<LiveWorker[]>;
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
  /** Queues to show even before any job was added to them. */
  queues?: readonly string[];
}

/** Opens the dashboard's source; `action` names the caller in errors. */
export function openSource(options: SourceOptions, action: string): DashboardSource {
  if (options.producer && options.redis !== undefined) {
    throw new TypeError(`${action}: give either producer or redis, not both`);
  }
  let producer: Repid;
  let owned = false;
  if (options.producer) {
    if (!(options.producer instanceof Repid)) {
      throw new TypeError(`${action}: producer must be a Repid producer, got ${options.producer}`);
    }
    producer = options.producer;
  } else if (options.redis !== undefined) {
    producer = new Repid(options.redis, { prefix: options.prefix, logger: "silent" });
    owned = true;
  } else {
    throw new TypeError(`${action}: give a producer or a redis client or URL`);
  }
  const extra = [...(options.queues ?? [])];
  const queue = async (name: string): Promise<SourceQueue> => {
    const handle = producer.queue(name);
    try {
      const [counts, paused] = await Promise.all([handle.counts(), handle.isPaused()]);
      return { name, paused, counts };
    } catch (error) {
      if (error instanceof QueueNotFoundError) return { name, paused: null, counts: null };
      throw error;
    }
  };
  return {
    producer,
    queue,
    workers: () => producer.workers(),
    async queues() {
      const known = await producer.queues();
      const names = new Set(known.map((q) => q.name));
      const more = await Promise.all(extra.filter((n) => !names.has(n)).map(queue));
      return [...known, ...more].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    },
    async close() {
      if (owned) await producer.close();
    },
  };
}
