/**
 * The handle on one queue, from `producer.queue(name)`: no I/O until one of
 * its methods is called. (This copy holds only `events()` and
 * `throughput()`; the operating methods of the queue join it.)
 *
 * @module
 */

import type { Backend } from "../backend/backend.ts";
import { ProducerClosedError } from "../errors.ts";
import { QueueEvents, type QueueEventsOptions } from "./queue_events.ts";
import type { ThroughputMinute } from "../core/throughput.ts";
import { toEpochMs } from "../core/time.ts";
import { wrapStoreError } from "../backend/store_error.ts";

/** Options of {@linkcode QueueHandle.throughput}. */
export interface ThroughputOptions {
  /**
   * The first minute to read: a `Date` or epoch milliseconds (the counts are
   * kept for 24 hours; an earlier time starts 24 hours ago).
   * @default {one hour ago}
   */
  since?: Date | number;
}

/** What a queue handle needs of its producer. */
export interface QueueHandleContext {
  /** The producer's store. */
  backend: Backend;
  /** Whether the producer is closed. */
  closed(): boolean;
  /** Keeps an event iteration, to end it when the producer closes. */
  track(events: QueueEvents): void;
  /** Forgets an event iteration that has ended. */
  untrack(events: QueueEvents): void;
}

/**
 * A queue of a producer's store.
 *
 * @example
 * ```ts
 * import { Repid } from "@repid/repid";
 *
 * const producer = new Repid("memory://");
 * const emails = producer.queue("emails");
 * console.log(emails.name); // "emails"
 * await producer.close();
 * ```
 */
export class QueueHandle {
  /** The queue's name. */
  readonly name: string;
  readonly #context: QueueHandleContext;

  /** @ignore */
  constructor(name: string, context: QueueHandleContext) {
    this.name = name;
    this.#context = context;
  }

  /**
   * How many jobs of the queue finished in each minute (`done`, `failed`,
   * `dead`, `cancelled`), from the minute of `since` to the current one,
   * oldest first, every minute present. The store counts them as jobs
   * finish, in every process, and keeps each minute for 24 hours.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const minutes = await producer.queue("emails").throughput({ since: Date.now() - 10 * 60_000 });
   * console.log(minutes.length); // 11: ten minutes ago to now
   * console.log(minutes.at(-1)); // { at: …, done: 0, failed: 0, dead: 0, cancelled: 0 }
   * await producer.close();
   * ```
   *
   * @throws {TypeError} When `since` is not a `Date` or a number of epoch milliseconds.
   * @throws {ProducerClosedError} When the producer is closed.
   */
  async throughput(options: ThroughputOptions = {}): Promise<ThroughputMinute[]> {
    const action = "Cannot read throughput";
    if (this.#context.closed()) throw new ProducerClosedError("read throughput");
    const since = options.since === undefined
      ? Date.now() - 3_600_000
      : toEpochMs(options.since, "since", action);
    try {
      return await this.#context.backend.throughput(this.name, since);
    } catch (error) {
      throw wrapStoreError("read throughput", error);
    }
  }

  /**
   * Follows the queue's events from any process: each job that finishes
   * (`done`, `failed`, `dead`, `cancelled`, with its result) and each
   * progress a running job reports (`progress`). Iterate with `for await`;
   * the iteration ends when `options.signal` aborts, when the producer
   * closes, or when the loop breaks. It subscribes at once: await its
   * `ready` to know that no later event is missed.
   *
   * @example
   * ```ts
   * import { Repid, Worker } from "@repid/repid";
   *
   * const worker = new Worker("memory://events-q", { logger: "silent" });
   * worker.actor(async function add(a: number, b: number) {
   *   return a + b;
   * });
   * const producer = new Repid("memory://events-q");
   * const controller = new AbortController();
   * const events = producer.queue("default").events({ signal: controller.signal });
   * await events.ready;
   * const running = worker.runForever({ handleSignals: false });
   * await producer.enqueueJob("add", { args: [1, 2] });
   * for await (const e of events) {
   *   if (e.type === "done") {
   *     console.log(e.result.value); // 3
   *     controller.abort();
   *   }
   * }
   * await worker.stop();
   * await running;
   * await producer.close();
   * ```
   *
   * @throws {ProducerClosedError} When the producer is closed.
   */
  events(options: QueueEventsOptions = {}): QueueEvents {
    if (this.#context.closed()) throw new ProducerClosedError("follow queue events");
    const c = this.#context;
    const events = new QueueEvents(c.backend, this.name, options, (e) => c.untrack(e));
    c.track(events);
    return events;
  }
}
