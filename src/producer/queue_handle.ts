/**
 * The handle on one queue that `producer.queue(name)` returns: its counts,
 * its jobs page by page, the bulk actions (requeue, purge), pausing it, its
 * flow limits (rate limit, group limits), set for every worker at once, its
 * events (`queue_events.ts`) and its per-minute throughput. For a
 * partitioned queue, each reads or acts on every partition: counts are
 * summed, pages list one partition after the other, a pause holds them all.
 *
 * @module
 */

import type { Backend, FlowLimits, FlowLimitsChange, PagePosition } from "../backend/backend.ts";
import {
  assertGroupLimits,
  assertRateLimit,
  type GroupLimits,
  type RateLimit,
} from "../core/flow.ts";
import type { FinishedStatus, JobInfo } from "../core/job.ts";
import { decodeCursor, encodeCursor } from "../core/jobs_cursor.ts";
import {
  FINISHED_STATES,
  isQueueState,
  QUEUE_STATES,
  type QueueCounts,
  type QueueState,
  zeroCounts,
} from "../core/queue_state.ts";
import { BULK_BATCH, PAGE_MAX } from "../core/store_limits.ts";
import { describe } from "../core/names.ts";
import { QueueEvents, type QueueEventsOptions } from "./queue_events.ts";
import type { ThroughputMinute } from "../core/throughput.ts";
import { toEpochMs } from "../core/time.ts";
import { wrapStoreError } from "../backend/store_error.ts";

/** Options of {@linkcode Queue.throughput}. */
export interface ThroughputOptions {
  /**
   * The first minute to read: a `Date` or epoch milliseconds (the counts are
   * kept for 24 hours; an earlier time starts 24 hours ago).
   * @default {one hour ago}
   */
  since?: Date | number;
}

/** What {@linkcode Queue.jobs} lists: a state, and which page. */
export interface JobsQuery {
  /** The state whose jobs to list. */
  state: QueueState;
  /**
   * The most jobs on the page, from 1 to 1000.
   * @default {50}
   */
  limit?: number;
  /**
   * The `cursor` of the previous page, for the next one.
   * @default {undefined (the first page)}
   */
  cursor?: string;
}

/** One page of {@linkcode Queue.jobs}. */
export interface JobsPageResult {
  /** The jobs, newest first. */
  jobs: JobInfo[];
  /** Pass it as `cursor` for the next page; absent on the last page. */
  cursor?: string;
}

/** What a {@linkcode Queue} handle needs of its producer. */
export interface QueueContext {
  /** The store. */
  readonly backend: Backend;
  /** Throws a `QueueNotFoundError` unless `queue` is known (a job or schedule was added to it). */
  assertKnown(queue: string, action: string): Promise<void>;
  /** Throws a `ProducerClosedError` once the producer is closed. */
  assertOpen(action: string): void;
  /** Keeps an event iteration, to end it when the producer closes. */
  track(events: QueueEvents): void;
  /** Forgets an event iteration that has ended. */
  untrack(events: QueueEvents): void;
  /** The physical queues of `queue`: its partitions, or the queue alone; errors name `action`. */
  partitions(queue: string, action: string): Promise<readonly string[]>;
}

/**
 * The sum of `counts`, state by state.
 *
 * @example
 * ```ts
 * import { sumCounts } from "./queue_handle.ts";
 *
 * const one = { queued: 1, deferred: 0, active: 2, done: 0, failed: 0, dead: 0, cancelled: 0 };
 * console.log(sumCounts([one, one]).active); // 4
 * ```
 */
export function sumCounts(counts: readonly QueueCounts[]): QueueCounts {
  const out = zeroCounts();
  for (const c of counts) for (const state of QUEUE_STATES) out[state] += c[state];
  return out;
}

/**
 * A handle on one queue (no I/O until a method is called): how many jobs are
 * in each state, the jobs of a state page by page, bulk actions, pause and
 * resume. Each
 * method rejects with a `QueueNotFoundError` when no job or schedule was ever
 * added to the queue.
 *
 * @example
 * ```ts
 * import { Repid } from "@repid/repid";
 *
 * const producer = new Repid("memory://");
 * await producer.enqueueJob("send_email", { queue: "emails", args: ["hi"] });
 * const q = producer.queue("emails");
 * console.log((await q.counts()).queued); // 1
 * const { jobs } = await q.jobs({ state: "queued", limit: 10 });
 * console.log(jobs[0].args); // [ "hi" ]
 * await producer.close();
 * ```
 */
export class Queue {
  /** The queue's name. */
  readonly name: string;
  readonly #ctx: QueueContext;

  /** @ignore */
  constructor(name: string, context: QueueContext) {
    this.name = name;
    this.#ctx = context;
  }

  /**
   * How many jobs are in each state now, exactly (`active`: running or
   * between retries). Counts come from the structures the store keeps: no
   * scan, whatever the queue holds.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.enqueueJob("send_email", { queue: "emails" });
   * console.log(await producer.queue("emails").counts());
   * // { queued: 1, deferred: 0, active: 0, done: 0, failed: 0, dead: 0, cancelled: 0 }
   * await producer.close();
   * ```
   */
  async counts(): Promise<QueueCounts> {
    const parts = await this.#ready("count jobs");
    const backend = this.#ctx.backend;
    if (parts.length === 1) return await backend.queueCounts(parts[0]);
    return sumCounts(await Promise.all(parts.map((q) => backend.queueCounts(q))));
  }

  /**
   * One page of the jobs in `state`, newest first (queued: the last
   * enqueued; deferred: the latest due; active: the latest lease expiry;
   * finished states: the latest finished), with their arguments, errors,
   * attempts, deliveries, stalls, times, worker id and result. Pass the
   * returned `cursor` for the next page; it is absent on the last one. A
   * cursor stays valid while jobs come and go: the next page resumes after
   * the last job shown (a page may hold fewer jobs than `limit` when jobs
   * left the state meanwhile).
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.enqueueJobs([1, 2, 3].map((n) => ({ actor: "count", args: [n] })));
   * const q = producer.queue("default");
   * const first = await q.jobs({ state: "queued", limit: 2 });
   * const second = await q.jobs({ state: "queued", limit: 2, cursor: first.cursor });
   * console.log(first.jobs.map((j) => j.args), second.jobs.map((j) => j.args)); // [[3], [2]] [[1]]
   * await producer.close();
   * ```
   */
  async jobs(options: JobsQuery): Promise<JobsPageResult> {
    const action = "Cannot list jobs";
    assertOptions(options, action);
    const state = assertState(options.state, action, QUEUE_STATES);
    const limit = options.limit ?? 50;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > PAGE_MAX) {
      throw new RangeError(
        `${action}: limit must be a whole number from 1 to ${PAGE_MAX}, got ${describe(limit)}`,
      );
    }
    if (options.cursor !== undefined && typeof options.cursor !== "string") {
      decodeCursor(options.cursor, this.name, state, action); // the TypeError
    }
    const parts = await this.#ready("list jobs");
    // A partitioned queue is listed one partition after the other; a cursor
    // names the partition it belongs to (its physical queue).
    let at = 0;
    let after: PagePosition | undefined;
    if (options.cursor !== undefined) {
      at = parts.findIndex((q) => cursorOf(options.cursor!, q, state) !== undefined);
      if (at < 0) decodeCursor(options.cursor, this.name, state, action); // the RangeError
      const position = cursorOf(options.cursor, parts[at], state)!;
      after = position.at === PARTITION_START ? undefined : position;
    }
    const page = await this.#ctx.backend.listJobs(parts[at], state, limit, after);
    if (page.next) return { jobs: page.jobs, cursor: encodeCursor(parts[at], state, page.next) };
    if (at + 1 < parts.length) {
      const start = { id: "", at: PARTITION_START };
      return { jobs: page.jobs, cursor: encodeCursor(parts[at + 1], state, start) };
    }
    return { jobs: page.jobs };
  }

  /**
   * Sends every job of a finished state (`dead`, `failed`, `cancelled` or
   * `done`) through again under its id, oldest first: each is queued at the
   * tail with a fresh attempt budget, keeping its arguments and the errors
   * of its earlier attempts. Works in batches of 500 jobs per store call,
   * up to the number of jobs the state held when the call began. Resolves
   * with how many jobs were requeued.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.enqueueJob("send_email", { queue: "emails" });
   * console.log(await producer.queue("emails").requeue({ state: "dead" })); // 0
   * await producer.close();
   * ```
   */
  async requeue(options: { state: FinishedStatus }): Promise<number> {
    const action = "Cannot requeue jobs";
    assertOptions(options, action);
    const state = assertState(options.state, action, FINISHED_STATES);
    const parts = await this.#ready("requeue jobs");
    const backend = this.#ctx.backend;
    let moved = 0;
    for (const q of parts) {
      const bound = (await backend.queueCounts(q))[state];
      moved += await batches(bound, () => backend.requeueFinished(q, state, BULK_BATCH));
    }
    return moved;
  }

  /**
   * Deletes every job in `state` (`queued`, `deferred` or a finished state;
   * running jobs are cancelled, not purged), oldest first, in batches of 500
   * jobs per store call so that Redis is never blocked for long, up to the
   * number of jobs the state held when the call began. Resolves with how many
   * jobs were deleted.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.enqueueJob("send_email", { queue: "emails" });
   * console.log(await producer.queue("emails").purge({ state: "queued" })); // 1
   * await producer.close();
   * ```
   */
  async purge(options: { state: Exclude<QueueState, "active"> }): Promise<number> {
    const action = "Cannot purge jobs";
    assertOptions(options, action);
    const state = assertState(options.state, action, PURGEABLE);
    const parts = await this.#ready("purge jobs");
    const backend = this.#ctx.backend;
    let moved = 0;
    for (const q of parts) {
      const bound = (await backend.queueCounts(q))[state];
      moved += await batches(bound, () => backend.purgeJobs(q, state, BULK_BATCH));
    }
    return moved;
  }

  /**
   * Follows the queue's events from any process: each job that finishes
   * (`done`, `failed`, `dead`, `cancelled`, with its result) and each
   * progress a running job reports (`progress`). Iterate with `for await`;
   * the iteration ends when `options.signal` aborts, when the producer
   * closes, or when the loop breaks. It subscribes at once: await its
   * `ready` to know that no later event is missed. (A queue no job was
   * added to yet can be followed: its first jobs are seen.)
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
    this.#ctx.assertOpen("follow queue events");
    const c = this.#ctx;
    const events = new QueueEvents(
      c.backend,
      this.name,
      options,
      (e) => c.untrack(e),
      c.partitions(this.name, "follow queue events"),
    );
    c.track(events);
    return events;
  }

  /**
   * How many jobs of the queue finished in each minute (`done`, `failed`,
   * `dead`, `cancelled`), from the minute of `since` to the current one,
   * oldest first, every minute present. The store counts them as jobs
   * finish, in every process, and keeps each minute for 24 hours. (A queue
   * no job was added to reads as zeros.)
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
    this.#ctx.assertOpen("read throughput");
    const since = options.since === undefined
      ? Date.now() - 3_600_000
      : toEpochMs(options.since, "since", action);
    try {
      const parts = await this.#ctx.partitions(this.name, action);
      const rows = await Promise.all(parts.map((q) => this.#ctx.backend.throughput(q, since)));
      // a partitioned queue's minutes, summed partition by partition
      return rows[0].map((minute, i) => {
        const sum = { ...minute };
        for (const other of rows.slice(1)) {
          for (const s of FINISHED_STATES) sum[s] += other[i]?.[s] ?? 0;
        }
        return sum;
      });
    } catch (error) {
      throw wrapStoreError("read throughput", error);
    }
  }

  /**
   * Pauses the queue: once this resolves, no worker in any process starts a
   * new job of it until {@linkcode Queue.resume}. Jobs already running
   * finish; enqueueing into the paused queue works (the jobs wait). The pause
   * is stored with the queue, so it holds across worker restarts.
   *
   * @example Pausing a queue during an incident
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.enqueueJob("send_email", { queue: "emails" });
   * const q = producer.queue("emails");
   * console.log(await q.pause()); // true: no worker starts a job of "emails" now
   * await producer.enqueueJob("send_email", { queue: "emails" }); // waits for resume()
   * console.log(await q.isPaused()); // true
   * await producer.close();
   * ```
   *
   * @returns `true` when the queue was running and is paused now, `false` when it was already paused.
   */
  async pause(): Promise<boolean> {
    const parts = await this.#ready("pause queue");
    const paused = await Promise.all(parts.map((q) => this.#ctx.backend.pauseQueue(q)));
    return paused.some((p) => p);
  }

  /**
   * Resumes a paused queue: idle workers of the queue are woken at once (no
   * wait for their next poll) and take its waiting jobs.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.enqueueJob("send_email", { queue: "emails" });
   * const q = producer.queue("emails");
   * await q.pause();
   * console.log(await q.resume()); // true
   * await producer.close();
   * ```
   *
   * @returns `true` when the queue was paused and runs now, `false` when it was not paused.
   */
  async resume(): Promise<boolean> {
    const parts = await this.#ready("resume queue");
    const resumed = await Promise.all(parts.map((q) => this.#ctx.backend.resumeQueue(q)));
    return resumed.some((r) => r);
  }

  /**
   * Whether the queue is paused.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.enqueueJob("send_email", { queue: "emails" });
   * console.log(await producer.queue("emails").isPaused()); // false
   * await producer.close();
   * ```
   */
  async isPaused(): Promise<boolean> {
    const parts = await this.#ready("read whether the queue is paused");
    // A pause holds every partition: partition 0 (the queue itself) tells.
    return await this.#ctx.backend.isQueuePaused(parts[0]);
  }

  /**
   * Limits how many jobs of the queue start, across every worker: at most
   * `max` in any window of `perMs` milliseconds; `null` removes the limit.
   * Takes effect at the next fetch of every worker (idle workers are woken).
   * The queue need not hold jobs yet. On a partitioned queue the limit holds
   * per partition.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.queue("emails").setRateLimit({ max: 10, perMs: 1_000 });
   * await producer.queue("emails").setRateLimit(null); // no limit
   * await producer.close();
   * ```
   *
   * @throws {TypeError | RangeError} When `limit` is not `null` or `{ max, perMs }` of positive integers.
   */
  async setRateLimit(limit: RateLimit | null): Promise<void> {
    const action = `set the rate limit of queue "${this.name}"`;
    const rate = limit === null ? null : assertRateLimit(limit, "limit", `Cannot ${action}`);
    await this.#setFlowLimits(action, { rate });
  }

  /**
   * Sets the limits of the queue's groups (each group on its own, across
   * every worker): `concurrency` (at most that many of a group's jobs run at
   * once) and `rate` (at most `max` of a group's jobs start per `perMs`). A
   * limit not given is removed; `concurrency` then falls back to the
   * actors' `groupConcurrency`.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.queue("sync").setGroupLimits({ concurrency: 2, rate: { max: 10, perMs: 1_000 } });
   * await producer.close();
   * ```
   *
   * @throws {TypeError | RangeError} When a limit is not a positive integer.
   */
  async setGroupLimits(limits: GroupLimits): Promise<void> {
    const action = `set the group limits of queue "${this.name}"`;
    const checked = assertGroupLimits(limits, `Cannot ${action}`);
    await this.#setFlowLimits(action, {
      groups: { concurrency: checked.concurrency ?? null, rate: checked.rate ?? null },
    });
  }

  /**
   * The queue's flow limits as stored (`rate: null`: no rate limit).
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * console.log(await producer.queue("emails").flowLimits()); // { rate: null, groups: {} }
   * await producer.close();
   * ```
   */
  async flowLimits(): Promise<FlowLimits> {
    const action = `read the flow limits of queue "${this.name}"`;
    this.#ctx.assertOpen(action);
    const b = this.#ctx.backend;
    if (!b.getFlowLimits) throw new TypeError(`Cannot ${action}: the store has no flow limits`);
    // every partition holds the same limits: partition 0 (the queue itself) tells
    return await b.getFlowLimits((await this.#ctx.partitions(this.name, action))[0]);
  }

  async #setFlowLimits(action: string, change: FlowLimitsChange): Promise<void> {
    this.#ctx.assertOpen(action);
    const b = this.#ctx.backend;
    if (!b.setFlowLimits) throw new TypeError(`Cannot ${action}: the store has no flow limits`);
    // a partitioned queue: each partition gets the limits (they hold per partition)
    const parts = await this.#ctx.partitions(this.name, action);
    await Promise.all(parts.map((q) => b.setFlowLimits!(q, change)));
  }

  /** Checks the producer and the queue; resolves with the queue's partitions (physical queues). */
  async #ready(action: string): Promise<readonly string[]> {
    this.#ctx.assertOpen(action);
    await this.#ctx.assertKnown(this.name, `Cannot ${action}`);
    return await this.#ctx.partitions(this.name, action);
  }
}

const PURGEABLE = QUEUE_STATES.filter((s) => s !== "active");

/** The position of a cursor that starts a partition's listing (no job shown of it yet). */
const PARTITION_START = -1;

/** The position in `cursor` when it belongs to the listing of `state` of `queue`, else `undefined`. */
function cursorOf(cursor: string, queue: string, state: QueueState): PagePosition | undefined {
  try {
    return decodeCursor(cursor, queue, state, "");
  } catch {
    return undefined;
  }
}

/**
 * Runs `batch` until it took fewer entries than a batch holds, or moved
 * `bound` jobs in all; returns how many it moved.
 */
async function batches(
  bound: number,
  batch: () => Promise<{ moved: number; passed: number }>,
): Promise<number> {
  let moved = 0;
  while (moved < bound) {
    const r = await batch();
    moved += r.moved;
    if (r.passed < BULK_BATCH) break;
  }
  return moved;
}

/** A `TypeError` unless `options` is an object. */
function assertOptions(options: unknown, action: string): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `${action}: expected options such as { state: "dead" }, got ${describe(options)}`,
    );
  }
}

/** `state` when it is one of `allowed`, else a `RangeError` naming it. */
function assertState<S extends QueueState>(
  state: unknown,
  action: string,
  allowed: readonly S[],
): S {
  if ((allowed as readonly unknown[]).includes(state)) return state as S;
  const why = state === undefined
    ? "the state is missing"
    : isQueueState(state)
    ? `state "${state}" is not one this action takes`
    : `state ${describe(state)} is not a state`;
  throw new RangeError(`${action}: ${why}; expected one of ${allowed.join(", ")}`);
}
