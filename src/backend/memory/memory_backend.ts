/**
 * The in-memory implementation of {@linkcode Backend}: the same transitions
 * as the Redis scripts (`src/backend/redis/scripts/*.ts`), step for step, on
 * plain data structures in this process. This class opens a store
 * (`store_registry.ts`, `memory_store.ts`, swept by `sweeper.ts`) and hands
 * each call to its operation (`job_ops.ts`, `schedule_ops.ts`, on the shared
 * rules of `records.ts`); the test helpers are in `inspection.ts`. Each
 * operation runs to the end without yielding, so it is atomic like a
 * script; its answer arrives on a later turn, like a reply from a server.
 *
 * @module
 */

import type { WorkerAnnouncement, WorkerInfo } from "../../core/worker_info.ts";
import type {
  Backend,
  BatchOutcome,
  CancelOutcome,
  FetchResult,
  FlowLimits,
  FlowLimitsChange,
  JobActionOutcome,
  JobsPage,
  LeaseRenewal,
  PagePosition,
  RequeueRequest,
} from "../backend.ts";
import type { AdvanceOutcome, ScheduleUpsertResult } from "../schedule_backend.ts";
import type { NewSchedule, ScheduleInfo } from "../../core/schedule.ts";
import type {
  Completion,
  EnqueueOutcome,
  FinishedStatus,
  JobError,
  JobInfo,
  JobResult,
  NewJob,
  QueueStoreEvent,
} from "../../core/job.ts";
import { waitingSince } from "../../core/job.ts";
import { describe } from "../../core/names.ts";
import { assertDuration, HOUR_MS } from "../../core/time.ts";
import {
  assertRetention,
  type QueueCounts,
  type QueueState as State,
} from "../../core/queue_state.ts";
import * as listing from "./listing.ts";
import * as operations from "./operations.ts";
import * as inspection from "./inspection.ts";
import type { MemoryQueueCounts } from "./inspection.ts";
import * as jobOps from "./job_ops.ts";
import * as queueOps from "./queue_ops.ts";
import type { MemoryContext } from "./memory_context.ts";
import type { MemoryStore } from "./memory_store.ts";
import type { Waiter } from "./queue_state.ts";
import { getRecord } from "./records.ts";
import { type ThroughputMinute, throughputMinutes, throughputRow } from "../../core/throughput.ts";
import * as scheduleOps from "./schedule_ops.ts";
import { openStore } from "./store_registry.ts";
import type { MemoryBackendOptions } from "./memory_backend_options.ts";

export type { MemoryBackendOptions, MemoryQueueCounts };

/**
 * For tests of the stores only (not exported by `mod.ts`): the stored
 * fields of a job, live, as a Redis `HGETALL` would show them, or
 * `undefined` when the job is absent. Writing to the object changes the
 * stored job, like an `HSET` by a foreign writer.
 *
 * @example
 * ```ts
 * import { MemoryBackend } from "@repid/repid";
 * import { storedJobFields } from "./memory_backend.ts";
 *
 * const backend = new MemoryBackend();
 * console.log(storedJobFields(backend, "default", "nope")); // undefined
 * ```
 */
export let storedJobFields: (
  backend: MemoryBackend,
  queue: string,
  id: string,
) => Record<string, string> | undefined;

const DEFAULT_SWEEP_MS = 60_000;

/**
 * A store held in memory, with the same semantics as the Redis store: FIFO
 * queues, due deferred jobs first, leases with owner tokens that expire and
 * return jobs to their queue, retries, results that expire, custom ids,
 * dead letters. Pass one instance as `backend` to both `Repid` and `Worker`
 * (or give both the URL `memory://name`) to run a producer and workers in
 * one process without Redis. Nothing is persisted: the data lives as long
 * as the process.
 *
 * @example Producer and worker in one process, no Redis
 * ```ts
 * import { MemoryBackend, Repid, Worker } from "@repid/repid";
 *
 * const backend = new MemoryBackend();
 * const worker = new Worker(null, { backend, logger: "silent" });
 * worker.actor(async function string_length(s: string) {
 *   return s.length;
 * });
 * const running = worker.runForever({ handleSignals: false });
 *
 * const producer = new Repid(null, { backend });
 * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
 * console.log((await job.result).value); // 5
 *
 * await worker.stop();
 * await running;
 * await producer.close();
 * await backend.close();
 * ```
 */
export class MemoryBackend implements Backend {
  static {
    storedJobFields = (backend, queue, id) => {
      return getRecord(backend.#ctx.q(queue), id, backend.#store.now())?.h;
    };
  }

  readonly #store: MemoryStore;
  readonly #prefix: string;
  readonly #ctx: MemoryContext;
  readonly #waits = new Set<Waiter>();
  /** Each removes one subscription (to finished or cancel announcements). */
  readonly #subscriptions = new Set<() => void>();
  readonly #changeListeners = new Set<() => void>();
  #closed = false;

  /**
   * Opens a private store, or joins the named store `options.store`.
   *
   * @param options The store to use (a private one by default), the prefix
   * and the clock.
   */
  constructor(options: MemoryBackendOptions = {}) {
    const action = "Cannot create memory backend";
    const prefix = options.prefix ?? "repid";
    if (typeof prefix !== "string" || prefix === "") {
      throw new TypeError(`${action}: prefix ${JSON.stringify(prefix)} must be a non-empty string`);
    }
    if (options.now !== undefined && typeof options.now !== "function") {
      throw new TypeError(
        `${action}: now must be a function returning epoch milliseconds, got ${
          describe(options.now)
        }`,
      );
    }
    const sweepMs = assertDuration(
      options.sweepMs ?? DEFAULT_SWEEP_MS,
      "sweepMs",
      action,
      10,
      HOUR_MS,
    );
    const name = options.store;
    if (name !== undefined && typeof name !== "string") {
      throw new TypeError(
        `${action}: store must be a string naming a shared store, got ${describe(name)}`,
      );
    }
    const clock = options.now ?? Date.now;
    const store = openStore(name, clock, sweepMs);
    store.refs++;
    this.#store = store;
    this.#prefix = prefix;
    const retention = assertRetention(options.retention ?? {}, action);
    this.#ctx = {
      store,
      prefix,
      q: (queue) => store.queue(prefix, queue),
      keep: { done: 0, failed: 0, dead: 0, cancelled: 0, ...retention },
    };
  }

  /** The name of the shared store, or `undefined` for a private one. */
  get storeName(): string | undefined {
    return this.#store.name;
  }

  listJobs(
    queue: string,
    state: State,
    limit: number,
    after?: PagePosition,
  ): Promise<JobsPage> {
    return Promise.resolve(listing.listJobs(this.#ctx, queue, state, limit, after));
  }

  requeueFinished(queue: string, status: FinishedStatus, max: number): Promise<BatchOutcome> {
    return Promise.resolve(operations.requeueFinished(this.#ctx, queue, status, max));
  }

  requeueJob(queue: string, id: string): Promise<JobActionOutcome> {
    return Promise.resolve(operations.requeueJob(this.#ctx, queue, id));
  }

  purgeJobs(queue: string, state: State, max: number): Promise<BatchOutcome> {
    return Promise.resolve(operations.purgeJobs(this.#ctx, queue, state, max));
  }

  promoteJob(queue: string, id: string): Promise<JobActionOutcome> {
    return Promise.resolve(operations.promoteJob(this.#ctx, queue, id));
  }

  removeJob(queue: string, id: string): Promise<JobActionOutcome> {
    return Promise.resolve(operations.removeJob(this.#ctx, queue, id));
  }

  listQueues(): Promise<string[]> {
    return Promise.resolve([...this.#store.queueNames.get(this.#prefix) ?? []].sort());
  }

  queueCounts(queue: string): Promise<QueueCounts> {
    return Promise.resolve(inspection.queueCounts(this.#ctx, queue));
  }

  enqueue(jobs: NewJob[]): Promise<EnqueueOutcome[]> {
    return jobOps.enqueue(this.#ctx, jobs);
  }

  fetch(
    queue: string,
    max: number,
    leaseMs: number,
    token: string,
    maxStalls = 0,
    groupConcurrency = 0,
  ): Promise<FetchResult> {
    return jobOps.fetch(this.#ctx, queue, max, leaseMs, token, maxStalls, groupConcurrency);
  }

  waitForWork(queue: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted || this.#closed) return Promise.resolve();
    const q = this.#ctx.q(queue);
    if (q.marker) {
      q.marker = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        wake: () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", wake);
          const i = q.waiters.indexOf(waiter);
          if (i >= 0) q.waiters.splice(i, 1);
          this.#waits.delete(waiter);
          resolve();
        },
      };
      const wake = () => waiter.wake();
      const timer = setTimeout(wake, Math.max(10, timeoutMs));
      signal.addEventListener("abort", wake, { once: true });
      q.waiters.push(waiter);
      this.#waits.add(waiter);
    });
  }

  extendLeases(
    queue: string,
    leases: { id: string; token: string }[],
    leaseMs: number,
  ): Promise<LeaseRenewal> {
    return jobOps.extendLeases(this.#ctx, queue, leases, leaseMs);
  }

  recordAttempt(
    queue: string,
    id: string,
    token: string,
    attempts: number,
    errors: JobError[],
    retryInMs?: number,
  ): Promise<boolean> {
    return jobOps.recordAttempt(this.#ctx, queue, id, token, attempts, errors, retryInMs);
  }

  setFlowLimits(
    queue: string,
    limits: FlowLimitsChange,
  ): Promise<void> {
    return jobOps.setFlowLimits(this.#ctx, queue, limits);
  }

  getFlowLimits(queue: string): Promise<FlowLimits> {
    return jobOps.getFlowLimits(this.#ctx, queue);
  }

  complete(queue: string, completions: Completion[]): Promise<boolean[]> {
    return jobOps.complete(this.#ctx, queue, completions);
  }

  release(queue: string, leases: { id: string; token: string }[]): Promise<boolean[]> {
    return jobOps.release(this.#ctx, queue, leases);
  }

  requeue(queue: string, r: RequeueRequest): Promise<"requeued" | "dead" | "lost"> {
    return jobOps.requeue(this.#ctx, queue, r);
  }

  deadLetter(
    queue: string,
    id: string,
    token: string,
    reason: string,
    error: JobError,
    ttlMs: number,
  ): Promise<boolean> {
    return jobOps.deadLetter(this.#ctx, queue, id, token, reason, error, ttlMs);
  }

  pauseQueue(queue: string): Promise<boolean> {
    return queueOps.pauseQueue(this.#ctx, queue);
  }

  resumeQueue(queue: string): Promise<boolean> {
    return queueOps.resumeQueue(this.#ctx, queue);
  }

  isQueuePaused(queue: string): Promise<boolean> {
    return Promise.resolve(this.#ctx.q(queue).paused);
  }

  cancelJob(queue: string, id: string): Promise<CancelOutcome> {
    return queueOps.cancelJob(this.#ctx, queue, id);
  }

  onCancel(
    queue: string,
    listener: (id: string, token: string) => void,
    _onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    return this.#subscribe(this.#ctx.q(queue).cancels, listener);
  }

  getJob(queue: string, id: string): Promise<JobInfo | null> {
    return jobOps.getJob(this.#ctx, queue, id);
  }

  declarePartitions(queue: string, n: number): Promise<number> {
    const key = `${this.#ctx.prefix}\n${queue}`;
    const known = this.#store.partitions.get(key);
    if (known === undefined) this.#store.partitions.set(key, n);
    return Promise.resolve(known ?? n);
  }

  readPartitions(queue: string): Promise<number> {
    return Promise.resolve(this.#store.partitions.get(`${this.#ctx.prefix}\n${queue}`) ?? 1);
  }

  readResults(queue: string, ids: string[]): Promise<(JobResult | "unfinished" | null)[]> {
    return jobOps.readResults(this.#ctx, queue, ids);
  }

  onFinished(
    queue: string,
    listener: (id: string, info?: JobInfo) => void,
    _onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    return this.#subscribe(this.#ctx.q(queue).finished, listener);
  }

  /**
   * Adds `listener` to a channel's subscribers `set` until the returned
   * function (or `close()`) removes it; a listener added twice is called
   * once per subscription.
   */
  #subscribe<A extends unknown[]>(
    set: Set<(...args: A) => void>,
    listener: (...args: A) => void,
  ): Promise<() => Promise<void>> {
    const own = (...args: A) => listener(...args);
    const off = () => set.delete(own);
    set.add(own);
    this.#subscriptions.add(off);
    return Promise.resolve(() => {
      off();
      this.#subscriptions.delete(off);
      return Promise.resolve();
    });
  }

  oldestWaitingMs(queue: string): Promise<number> {
    const q = this.#ctx.q(queue);
    const now = this.#store.now();
    const since: number[] = [];
    const head = q.ready.peekFront();
    const rec = head === undefined ? undefined : getRecord(q, head, now);
    const s = rec ? waitingSince(rec.h.enq, rec.h.due) : undefined;
    if (s !== undefined) since.push(s);
    const due = q.deferred.first();
    if (due && due.score <= now) since.push(due.score);
    return Promise.resolve(since.length ? Math.max(0, now - Math.min(...since)) : 0);
  }

  throughput(queue: string, since: number): Promise<ThroughputMinute[]> {
    const q = this.#ctx.q(queue);
    const rows = throughputMinutes(since, this.#store.now()).map((m) =>
      throughputRow(m, q.throughput.get(m) ?? {})
    );
    return Promise.resolve(rows);
  }

  setProgress(queue: string, id: string, token: string, progressJson: string): Promise<boolean> {
    return jobOps.setProgress(this.#ctx, queue, id, token, progressJson);
  }

  onQueueEvents(
    queue: string,
    listener: (event: QueueStoreEvent) => void,
    _onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    const q = this.#ctx.q(queue);
    const finished = this.#subscribe(
      q.finished,
      (id: string, info?: JobInfo) =>
        listener(info ? { type: "finished", id, info } : { type: "finished", id }),
    );
    const progress = this.#subscribe(
      q.progress,
      (id: string, value: unknown) => listener({ type: "progress", id, progress: value }),
    );
    return Promise.all([finished, progress]).then((offs) => async () => {
      for (const off of offs) await off();
    });
  }

  time(): Promise<number> {
    return Promise.resolve(this.#store.now());
  }

  upsertSchedule(s: NewSchedule): Promise<ScheduleUpsertResult> {
    this.#store.registerQueue(this.#prefix, s.queue);
    return scheduleOps.upsertSchedule(this.#ctx, s);
  }

  getSchedule(queue: string, id: string): Promise<ScheduleInfo | null> {
    return scheduleOps.getSchedule(this.#ctx, queue, id);
  }

  listSchedules(queue: string): Promise<ScheduleInfo[]> {
    return scheduleOps.listSchedules(this.#ctx, queue);
  }

  advanceSchedule(queue: string, id: string, at: number, nextAt: number): Promise<AdvanceOutcome> {
    return scheduleOps.advanceSchedule(this.#ctx, queue, id, at, nextAt);
  }

  pauseSchedule(queue: string, id: string): Promise<boolean> {
    return scheduleOps.pauseSchedule(this.#ctx, queue, id);
  }

  resumeSchedule(
    queue: string,
    id: string,
    nextAt: number,
  ): Promise<"resumed" | "active" | "gone"> {
    return scheduleOps.resumeSchedule(this.#ctx, queue, id, nextAt);
  }

  cancelSchedule(queue: string, id: string): Promise<boolean> {
    return scheduleOps.cancelSchedule(this.#ctx, queue, id);
  }

  scheduleRuns(queue: string, id: string, limit: number): Promise<string[]> {
    return scheduleOps.scheduleRuns(this.#ctx, queue, id, limit);
  }

  /**
   * How many jobs of `queue` (of every queue of this backend's prefix when
   * omitted) are queued, deferred, due and in progress now, and when the
   * next deferred one is due.
   *
   * @example
   * ```ts
   * import { MemoryBackend } from "@repid/repid";
   *
   * const backend = new MemoryBackend();
   * console.log(backend.counts()); // { queued: 0, deferred: 0, due: 0, inProgress: 0, nextDueAt: null }
   * ```
   */
  counts(queue?: string): MemoryQueueCounts {
    return inspection.counts(this.#ctx, queue);
  }

  /**
   * The queues of this backend's prefix that hold any job.
   *
   * @example
   * ```ts
   * import { MemoryBackend } from "@repid/repid";
   *
   * console.log(new MemoryBackend().queues()); // []
   * ```
   */
  queues(): string[] {
    return inspection.queues(this.#ctx);
  }

  /**
   * Calls `listener` after every transition of the store (enqueue, fetch,
   * completion, …), synchronously, once the change is made; for test
   * helpers that wait until a store is idle. Returns a function that stops
   * the calls.
   *
   * @example
   * ```ts
   * import { MemoryBackend } from "@repid/repid";
   *
   * const backend = new MemoryBackend();
   * const stop = backend.onChange(() => console.log(backend.counts()));
   * stop();
   * ```
   */
  onChange(listener: () => void): () => void {
    const own = () => listener();
    this.#store.changeListeners.add(own);
    this.#changeListeners.add(own);
    return () => {
      this.#store.changeListeners.delete(own);
      this.#changeListeners.delete(own);
    };
  }

  /** Registers or renews a worker (the workers' registry). */
  heartbeatWorker(worker: WorkerAnnouncement, ttlMs: number): Promise<void> {
    this.#store.workers.heartbeat(this.#prefix, worker, ttlMs, this.#store.now());
    return Promise.resolve();
  }

  /** Removes a worker's registration. */
  unregisterWorker(id: string): Promise<void> {
    this.#store.workers.unregister(this.#prefix, id);
    return Promise.resolve();
  }

  /** The workers whose registration has not expired. */
  listWorkers(): Promise<WorkerInfo[]> {
    return Promise.resolve(this.#store.workers.list(this.#prefix, this.#store.now()));
  }

  /**
   * Deletes every job of this backend's prefix from the store, whatever its
   * state (like deleting a Redis key prefix). Leases held by workers are
   * then lost.
   *
   * @example
   * ```ts
   * import { MemoryBackend } from "@repid/repid";
   *
   * const backend = new MemoryBackend({ store: "scratch" });
   * backend.clear();
   * await backend.close();
   * ```
   */
  clear(): void {
    return inspection.clear(this.#ctx);
  }

  /**
   * Ends this backend's waits and subscriptions. The data stays in the store
   * (a named store is forgotten once no backend uses it and it holds no
   * job); a private store's timer is stopped.
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const w of [...this.#waits]) w.wake();
    for (const off of this.#subscriptions) off();
    this.#subscriptions.clear();
    for (const f of this.#changeListeners) this.#store.changeListeners.delete(f);
    this.#changeListeners.clear();
    const store = this.#store;
    store.refs--;
    if (store.refs === 0) {
      if (store.name === undefined) store.stopSweeping();
      else store.sweep();
    }
    return Promise.resolve();
  }
}
