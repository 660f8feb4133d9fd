/**
 * The handle on one queue that `producer.queue(name)` returns: its counts,
 * its jobs page by page, the bulk actions (requeue, purge), pausing it, and
 * its flow limits (rate limit, group limits), set for every worker at once.
 *
 * @module
 */

import type { Backend, FlowLimits, FlowLimitsChange } from "../backend/backend.ts";
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
} from "../core/queue_state.ts";
import { BULK_BATCH, PAGE_MAX } from "../core/store_limits.ts";
import { describe } from "../core/names.ts";

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
    await this.#ready("count jobs");
    return await this.#ctx.backend.queueCounts(this.name);
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
    const after = options.cursor === undefined
      ? undefined
      : decodeCursor(options.cursor, this.name, state, action);
    await this.#ready("list jobs");
    const page = await this.#ctx.backend.listJobs(this.name, state, limit, after);
    return page.next
      ? { jobs: page.jobs, cursor: encodeCursor(this.name, state, page.next) }
      : { jobs: page.jobs };
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
    await this.#ready("requeue jobs");
    const backend = this.#ctx.backend;
    const bound = (await backend.queueCounts(this.name))[state];
    return await batches(bound, () => backend.requeueFinished(this.name, state, BULK_BATCH));
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
    await this.#ready("purge jobs");
    const backend = this.#ctx.backend;
    const bound = (await backend.queueCounts(this.name))[state];
    return await batches(bound, () => backend.purgeJobs(this.name, state, BULK_BATCH));
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
    await this.#ready("pause queue");
    return await this.#ctx.backend.pauseQueue(this.name);
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
    await this.#ready("resume queue");
    return await this.#ctx.backend.resumeQueue(this.name);
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
    await this.#ready("read whether the queue is paused");
    return await this.#ctx.backend.isQueuePaused(this.name);
  }

  /**
   * Limits how many jobs of the queue start, across every worker: at most
   * `max` in any window of `perMs` milliseconds; `null` removes the limit.
   * Takes effect at the next fetch of every worker (idle workers are woken).
   * The queue need not hold jobs yet.
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
    return await b.getFlowLimits(this.name);
  }

  async #setFlowLimits(action: string, change: FlowLimitsChange): Promise<void> {
    this.#ctx.assertOpen(action);
    const b = this.#ctx.backend;
    if (!b.setFlowLimits) throw new TypeError(`Cannot ${action}: the store has no flow limits`);
    await b.setFlowLimits(this.name, change);
  }

  async #ready(action: string): Promise<void> {
    this.#ctx.assertOpen(action);
    await this.#ctx.assertKnown(this.name, `Cannot ${action}`);
  }
}

const PURGEABLE = QUEUE_STATES.filter((s) => s !== "active");

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
