/**
 * The in-memory implementation of {@linkcode Backend}: the same transitions
 * as the Redis scripts (`src/backend/redis/scripts/*.ts`), step for step, on
 * plain data structures in this process. Each method runs to the end
 * without yielding, so it is atomic like a script; its answer arrives on a
 * later turn, like a reply from a server.
 *
 * @module
 */

import { MemoryWorkerRegistry } from "./worker_registry.ts";
import type { WorkerAnnouncement, WorkerInfo } from "../../core/worker_info.ts";
import { createHash } from "node:crypto";
import { clearInterval, setImmediate, setInterval } from "node:timers";
import type { Backend, FetchResult, RequeueRequest } from "../backend.ts";
import type { AdvanceOutcome, ScheduleUpsertResult } from "../schedule_backend.ts";
import {
  type NewSchedule,
  type ScheduleInfo,
  scheduleInfoFromFields,
  type ScheduleStatus,
} from "../../core/schedule.ts";
import {
  type Completion,
  type EnqueueOutcome,
  isFinished,
  type JobError,
  type JobInfo,
  jobInfoFromHash,
  type JobResult,
  type JobStatus,
  type LeasedJob,
  type NewJob,
  parseJsonOr,
  storedErrors,
  storedOptions,
} from "../../core/job.ts";
import { FINISHED_FIELDS, isJobStatus, type JobFields } from "../../core/job_record.ts";
import {
  deliveryLimitError,
  formatMessage,
  malformedError,
  MESSAGE,
  REASON,
  stalledError,
} from "../../core/store_errors.ts";
import {
  clampTtlMs,
  DEAD_TTL_MS,
  INLINE_RESULT_MAX,
  MALFORMED_RAW_MAX,
  QUEUE_ENTRY_MAX,
  RECLAIM_BATCH,
  SCHEDULE_RUNS_KEPT,
  STATUS_QUOTED_MAX,
} from "../../core/store_limits.ts";
import { describe } from "../../core/names.ts";
import { Deque } from "./deque.ts";
import { SortedSet } from "./sorted_set.ts";

/** Options of a {@linkcode MemoryBackend}. */
export interface MemoryBackendOptions {
  /**
   * The name of a store shared by every `MemoryBackend` of this process that
   * gives the same name (the URL `memory://name` opens it too; `memory://`
   * opens the one named `""`). Without a name, the backend has a private
   * store of its own.
   * @default {undefined (a private store)}
   */
  store?: string;
  /**
   * Separates the data of backends on one store, like the Redis key prefix.
   * @default {"repid"}
   */
  prefix?: string;
  /**
   * The store's clock, in UTC epoch milliseconds. Taken when the store is
   * created; a backend joining an existing named store uses that store's.
   * @default {Date.now}
   */
  now?: () => number;
  /**
   * How often expired results are removed besides on access, in
   * milliseconds (the timer never keeps the process alive).
   * @default {60000}
   */
  sweepMs?: number;
}

/** How many jobs of a queue are in each state. */
export interface MemoryQueueCounts {
  /** Waiting in the queue. */
  queued: number;
  /** Deferred (including those already due). */
  deferred: number;
  /** Deferred and already due: the next fetch takes them. */
  due: number;
  /** Leased to a worker. */
  inProgress: number;
  /** When the earliest deferred job is due (epoch ms), or `null` when none is deferred. */
  nextDueAt: number | null;
}

type Hash = Record<string, string>;

interface JobRecord {
  h: JobFields;
  /** When the record expires (epoch ms), like a Redis `PEXPIRE`. */
  expiresAt?: number;
}

interface Waiter {
  wake(): void;
}

/** The state of one queue: the in-memory counterpart of its Redis keys. */
interface QueueState {
  readonly queue: string;
  readonly prefix: string;
  readonly jobs: Map<string, JobRecord>;
  readonly ready: Deque<string>;
  readonly deferred: SortedSet;
  readonly active: SortedSet;
  readonly dead: SortedSet;
  /** The "there may be work" marker (the Redis signal list holds at most one). */
  marker: boolean;
  /** Blocked `waitForWork` calls, longest waiting first (like `BLPOP` clients). */
  readonly waiters: Waiter[];
  /** `onFinished` listeners (the finished channel's subscribers). */
  readonly finished: Set<(id: string, info?: JobInfo) => void>;
  /** Schedule records by id (the schedule hashes). */
  readonly scheduleRecords: Map<string, Hash>;
  /** Schedule ids scored by next run time. */
  readonly schedules: SortedSet;
  /** Per schedule, the ids of its recent started occurrences scored by due time. */
  readonly scheduleRuns: Map<string, SortedSet>;
}

/** Data shared by the backends that open it. */
class MemoryStore {
  readonly queues = new Map<string, QueueState>();
  readonly workers = new MemoryWorkerRegistry();
  readonly changeListeners = new Set<() => void>();
  refs = 0;
  #sweepTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly name: string | undefined,
    readonly clock: () => number,
    readonly sweepMs: number,
  ) {}

  now(): number {
    return Math.floor(this.clock());
  }

  queue(prefix: string, queue: string): QueueState {
    const key = `${prefix}\n${queue}`;
    let q = this.queues.get(key);
    if (!q) {
      q = {
        queue,
        prefix,
        jobs: new Map(),
        ready: new Deque(),
        deferred: new SortedSet(),
        active: new SortedSet(),
        dead: new SortedSet(),
        marker: false,
        waiters: [],
        finished: new Set(),
        scheduleRecords: new Map(),
        schedules: new SortedSet(),
        scheduleRuns: new Map(),
      };
      this.queues.set(key, q);
    }
    return q;
  }

  /** Calls the change listeners (after a transition committed). */
  changed(): void {
    for (const f of this.changeListeners) {
      try {
        f();
      } catch {
        // a listener's failure is its own business
      }
    }
  }

  /** Starts the sweep timer (unref'd) once some record can expire. */
  expiring(): void {
    if (this.#sweepTimer !== undefined) return;
    this.#sweepTimer = setInterval(() => this.sweep(), this.sweepMs);
    this.#sweepTimer.unref?.();
  }

  /** Removes expired records and unused queue states. */
  sweep(): void {
    const now = this.now();
    let expiring = false;
    for (const [key, q] of this.queues) {
      for (const [id, rec] of q.jobs) {
        if (rec.expiresAt === undefined) continue;
        if (rec.expiresAt < now) q.jobs.delete(id);
        else expiring = true;
      }
      for (const id of [...q.dead]) {
        if (q.jobs.get(id)?.h.status !== "dead") q.dead.remove(id);
      }
      if (
        q.jobs.size === 0 && q.ready.length === 0 && q.deferred.size === 0 &&
        q.active.size === 0 && q.dead.size === 0 && q.waiters.length === 0 &&
        q.finished.size === 0 && q.scheduleRecords.size === 0 && q.schedules.size === 0
      ) this.queues.delete(key);
    }
    if (!expiring) this.stopSweeping();
    if (this.refs === 0 && this.queues.size === 0 && this.name !== undefined) {
      if (registry.get(this.name) === this) registry.delete(this.name);
    }
  }

  stopSweeping(): void {
    if (this.#sweepTimer !== undefined) clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
  }
}

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

/** The named stores of this process. */
const registry = new Map<string, MemoryStore>();

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
      const q = backend.#q(queue);
      return backend.#get(q, id, backend.#store.now())?.h;
    };
  }

  readonly #store: MemoryStore;
  readonly #prefix: string;
  readonly #waits = new Set<Waiter>();
  readonly #subscriptions = new Set<{
    q: QueueState;
    listener: (id: string, info?: JobInfo) => void;
  }>();
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
    const sweepMs = options.sweepMs ?? DEFAULT_SWEEP_MS;
    if (typeof sweepMs !== "number" || !Number.isSafeInteger(sweepMs) || sweepMs < 10) {
      throw new RangeError(
        `${action}: sweepMs is ${String(sweepMs)}, expected an integer number of milliseconds ≥ 10`,
      );
    }
    const name = options.store;
    if (name !== undefined && typeof name !== "string") {
      throw new TypeError(
        `${action}: store must be a string naming a shared store, got ${describe(name)}`,
      );
    }
    const clock = options.now ?? Date.now;
    let store = name === undefined ? undefined : registry.get(name);
    if (!store) {
      store = new MemoryStore(name, clock, sweepMs);
      if (name !== undefined) registry.set(name, store);
    }
    store.refs++;
    this.#store = store;
    this.#prefix = prefix;
  }

  /** The name of the shared store, or `undefined` for a private one. */
  get storeName(): string | undefined {
    return this.#store.name;
  }

  #q(queue: string): QueueState {
    return this.#store.queue(this.#prefix, queue);
  }

  /** The job record, or `undefined` when absent or expired (lazy expiry, like Redis). */
  #get(q: QueueState, id: string, now: number): JobRecord | undefined {
    const rec = q.jobs.get(id);
    if (rec?.expiresAt !== undefined && rec.expiresAt < now) {
      q.jobs.delete(id);
      return undefined;
    }
    return rec;
  }

  #expire(rec: JobRecord, now: number, ttlMs: number): void {
    rec.expiresAt = now + ttlMs;
    this.#store.expiring();
  }

  /** `signal_work`: leaves the marker, or hands it to the longest waiting waiter. */
  #signalWork(q: QueueState): void {
    if (q.marker) return;
    const waiter = q.waiters.shift();
    if (waiter) waiter.wake();
    else q.marker = true;
  }

  /**
   * `announce_finished`: tells the `onFinished` listeners that job `id`
   * finished, with its finished state when given (as the `complete` script's
   * message carries it).
   */
  #publish(q: QueueState, id: string, info?: JobInfo): void {
    if (q.finished.size === 0) return;
    const listeners = [...q.finished];
    // on a later turn, after the writer's own answer, as a server's message
    // on another connection would arrive
    setImmediate(() => {
      for (const f of listeners) if (q.finished.has(f)) f(id, info);
    });
  }

  /**
   * `leased`: the record of job `id` when `token` holds its lease (the job
   * is in progress under that token), else `undefined`.
   */
  #leased(q: QueueState, id: string, token: string, now: number): JobRecord | undefined {
    const rec = this.#get(q, id, now);
    return rec && rec.h.token === token && rec.h.status === "in_progress" ? rec : undefined;
  }

  /**
   * `dead_letter`: ends job `id` as dead with `reason` and `error`, keeps its
   * record for `ttlMs`, lists it among the dead (dropping those older than
   * `ttlMs`) and, when `announce`, tells the `onFinished` listeners. The
   * caller removes the job from the set it was in.
   */
  #deadLetterRecord(
    q: QueueState,
    rec: JobRecord,
    id: string,
    reason: string,
    error: JobError,
    ttlMs: number,
    now: number,
    announce: boolean,
  ): void {
    const h = rec.h;
    delete h.token;
    h.status = "dead";
    h.reason = reason;
    h.error = JSON.stringify(error);
    h.finished = String(now);
    this.#expire(rec, now, ttlMs);
    q.dead.add(id, now);
    q.dead.removeTo(now - ttlMs);
    if (announce) this.#publish(q, id);
  }

  enqueue(jobs: NewJob[]): Promise<EnqueueOutcome[]> {
    const out: EnqueueOutcome[] = [];
    for (const job of jobs) {
      const q = this.#q(job.queue);
      const now = this.#store.now();
      const existing = this.#get(q, job.id, now);
      const st = existing?.h.status;
      if (st === "queued" || st === "deferred" || st === "in_progress") {
        out.push({ created: false, status: st, enqueuedAt: Number(existing!.h.enq ?? 0) });
        continue;
      }
      if (existing) q.jobs.delete(job.id);
      const due = job.dueAt;
      const status: JobStatus = due > now ? "deferred" : "queued";
      const opts = job.options ? JSON.stringify(job.options) : undefined;
      q.jobs.set(job.id, { h: newJobFields(job.actor, job.argsJson, status, now, due, opts) });
      if (status === "deferred") q.deferred.add(job.id, due);
      else q.ready.pushBack(job.id);
      this.#signalWork(q);
      out.push({ created: true, status, enqueuedAt: now });
    }
    this.#store.changed();
    return Promise.resolve(out);
  }

  fetch(
    queue: string,
    max: number,
    leaseMs: number,
    token: string,
    maxStalls = 0,
  ): Promise<FetchResult> {
    const q = this.#q(queue);
    const now = this.#store.now();

    // (1) expired leases go back to the head of the queue, the earliest first;
    // a job whose lease expired more than maxStalls times is dead-lettered
    const expired = q.active.rangeTo(now, RECLAIM_BATCH);
    for (let i = expired.length - 1; i >= 0; i--) {
      const id = expired[i];
      q.active.remove(id);
      const rec = this.#get(q, id, now);
      if (rec?.h.status === "in_progress") {
        const h = rec.h;
        const stalls = (toNumber(h.stalls) ?? 0) + 1;
        h.stalls = String(stalls);
        if (maxStalls > 0 && stalls > maxStalls) {
          this.#deadLetterRecord(
            q,
            rec,
            id,
            REASON.stalled,
            stalledError(stalls),
            DEAD_TTL_MS,
            now,
            true,
          );
        } else {
          delete h.token;
          h.status = "queued";
          q.ready.pushFront(id);
        }
      }
    }

    // (2) due deferred jobs first, then queued ones in FIFO order
    const jobs: LeasedJob[] = [];
    const take = (id: string) => {
      const bytes = byteLength(id);
      if (bytes > QUEUE_ENTRY_MAX) {
        this.#malformed(q, id, formatMessage(MESSAGE.entryTooLong, { bytes }), now);
        return;
      }
      const rec = this.#get(q, id, now);
      if (!rec) {
        this.#malformed(q, id, formatMessage(MESSAGE.noJobData, { id }), now);
        return;
      }
      const h = rec.h;
      if (h.status !== "queued" && h.status !== "deferred") {
        // in_progress or finished: a stale entry; anything else is not a status
        if (!isJobStatus(h.status)) {
          const status = truncateBytes(String(h.status), STATUS_QUOTED_MAX);
          this.#malformed(q, id, formatMessage(MESSAGE.unknownStatus, { id, status }), now);
        }
        return;
      }
      if (h.actor === undefined || h.args === undefined) {
        this.#malformed(q, id, formatMessage(MESSAGE.lacksActorOrArgs, { id }), now);
        return;
      }
      const deliveries = (toNumber(h.deliveries) ?? 0) + 1;
      h.status = "in_progress";
      h.token = token;
      h.started = String(now);
      h.deliveries = String(deliveries);
      q.active.add(id, now + leaseMs);
      jobs.push({
        id,
        queue,
        actor: h.actor,
        argsJson: h.args,
        token,
        deliveries,
        attempts: toNumber(h.attempts) ?? 0,
        errors: storedErrors(h.errors),
        enqueuedAt: toNumber(h.enq) ?? now,
        startedAt: now,
        options: storedOptions(h.opts),
      });
    };
    if (max > 0) {
      for (const id of q.deferred.rangeTo(now, max)) {
        q.deferred.remove(id);
        take(id);
      }
      while (jobs.length < max) {
        const id = q.ready.popFront();
        if (id === undefined) break;
        take(id);
      }
    }

    // (3) the marker stays while work remains
    const nextDue = q.deferred.first();
    if (q.ready.length > 0 || (nextDue && nextDue.score <= now)) this.#signalWork(q);
    else q.marker = false;

    // (4) when an idle worker should look again
    let wakeInMs = -1;
    if (nextDue) wakeInMs = Math.max(0, nextDue.score - now);
    const nextLease = q.active.first();
    if (nextLease) {
      const w = Math.max(0, nextLease.score - now);
      if (wakeInMs < 0 || w < wakeInMs) wakeInMs = w;
    }
    this.#store.changed();
    // answered on a later turn of the event loop, as a server would, so a
    // fetch loop never starves timers and I/O
    return new Promise((resolve) => setImmediate(() => resolve({ jobs, wakeInMs })));
  }

  /** Dead-letters a queue entry that is not a job, as the fetch script does. */
  #malformed(q: QueueState, entry: string, why: string, now: number): void {
    const id = byteLength(entry) > MALFORMED_RAW_MAX
      ? `malformed:${createHash("sha1").update(entry).digest("hex")}`
      : entry;
    let rec = this.#get(q, id, now);
    if (!rec) {
      rec = { h: {} };
      q.jobs.set(id, rec);
    }
    rec.h.raw = truncateBytes(entry, MALFORMED_RAW_MAX);
    if (rec.h.enq === undefined) rec.h.enq = String(now);
    const error = malformedError(why);
    this.#deadLetterRecord(q, rec, id, REASON.malformed, error, DEAD_TTL_MS, now, false);
  }

  waitForWork(queue: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted || this.#closed) return Promise.resolve();
    const q = this.#q(queue);
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
  ): Promise<string[]> {
    const q = this.#q(queue);
    const now = this.#store.now();
    const lost: string[] = [];
    for (const l of leases) {
      if (this.#leased(q, l.id, l.token, now)) q.active.add(l.id, now + leaseMs);
      else lost.push(l.id);
    }
    return Promise.resolve(lost);
  }

  recordAttempt(
    queue: string,
    id: string,
    token: string,
    attempts: number,
    errors: JobError[],
  ): Promise<boolean> {
    const q = this.#q(queue);
    const h = this.#leased(q, id, token, this.#store.now())?.h;
    if (!h) return Promise.resolve(false);
    h.attempts = String(attempts);
    h.errors = JSON.stringify(errors);
    this.#store.changed();
    return Promise.resolve(true);
  }

  complete(queue: string, completions: Completion[]): Promise<boolean[]> {
    const q = this.#q(queue);
    const now = this.#store.now();
    const res: boolean[] = [];
    for (const c of completions) {
      const rec = this.#leased(q, c.id, c.token, now);
      if (!rec) {
        res.push(false);
        continue;
      }
      const h = rec.h;
      h.status = c.status;
      h.value = c.valueJson;
      h.errors = c.errors.length ? JSON.stringify(c.errors) : "[]";
      h.attempts = String(c.attempts);
      h.finished = String(now);
      const errorJson = c.error ? JSON.stringify(c.error) : "";
      if (errorJson) h.error = errorJson;
      delete h.token;
      delete h.args;
      q.active.remove(c.id);
      this.#expire(rec, now, clampTtlMs(c.ttlMs));
      // the finished state rides with the announcement unless it is large
      const inline = fitsInline([h.value, errorJson, h.errors]);
      this.#publish(q, c.id, inline ? finishedInfo(queue, c.id, h) : undefined);
      res.push(true);
    }
    this.#store.changed();
    return Promise.resolve(res);
  }

  release(queue: string, leases: { id: string; token: string }[]): Promise<boolean[]> {
    if (leases.length === 0) return Promise.resolve([]);
    const q = this.#q(queue);
    const now = this.#store.now();
    const res: boolean[] = new Array(leases.length);
    // the last first, so that the first ends at the head of the queue
    for (let i = leases.length - 1; i >= 0; i--) {
      const { id, token } = leases[i];
      const h = this.#leased(q, id, token, now)?.h;
      if (h) {
        h.status = "queued";
        delete h.token;
        q.active.remove(id);
        q.ready.pushFront(id);
        res[i] = true;
      } else {
        res[i] = false;
      }
    }
    this.#signalWork(q);
    this.#store.changed();
    return Promise.resolve(res);
  }

  requeue(queue: string, r: RequeueRequest): Promise<"requeued" | "dead" | "lost"> {
    const q = this.#q(queue);
    const now = this.#store.now();
    const rec = this.#leased(q, r.id, r.token, now);
    if (!rec) return Promise.resolve("lost");
    const h = rec.h;
    q.active.remove(r.id);
    if (r.maxDeliveries > 0 && (toNumber(h.deliveries) ?? 0) >= r.maxDeliveries) {
      const error = deliveryLimitError(r.reason, r.maxDeliveries);
      this.#deadLetterRecord(q, rec, r.id, r.reason, error, clampTtlMs(r.ttlMs), now, true);
      this.#store.changed();
      return Promise.resolve("dead");
    }
    delete h.token;
    const due = now + r.delayMs;
    h.status = "deferred";
    h.due = String(due);
    q.deferred.add(r.id, due);
    this.#signalWork(q);
    this.#store.changed();
    return Promise.resolve("requeued");
  }

  deadLetter(
    queue: string,
    id: string,
    token: string,
    reason: string,
    error: JobError,
    ttlMs: number,
  ): Promise<boolean> {
    const q = this.#q(queue);
    const now = this.#store.now();
    const rec = this.#leased(q, id, token, now);
    if (!rec) return Promise.resolve(false);
    q.active.remove(id);
    this.#deadLetterRecord(q, rec, id, reason, error, clampTtlMs(ttlMs), now, true);
    this.#store.changed();
    return Promise.resolve(true);
  }

  getJob(queue: string, id: string): Promise<JobInfo | null> {
    const h = this.#get(this.#q(queue), id, this.#store.now())?.h;
    if (!h?.status) return Promise.resolve(null);
    return Promise.resolve(jobInfoFromHash(queue, id, h as Record<string, string>));
  }

  readResults(queue: string, ids: string[]): Promise<(JobResult | "unfinished" | null)[]> {
    const q = this.#q(queue);
    const now = this.#store.now();
    return Promise.resolve(ids.map((id) => {
      const h = this.#get(q, id, now)?.h;
      if (!h?.status) return null;
      if (!isFinished(h.status)) return "unfinished";
      return jobInfoFromHash(queue, id, h).result;
    }));
  }

  onFinished(
    queue: string,
    listener: (id: string, info?: JobInfo) => void,
    _onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    const q = this.#q(queue);
    // a listener added twice is called once per subscription
    const own = (id: string, info?: JobInfo) => listener(id, info);
    const sub = { q, listener: own };
    q.finished.add(own);
    this.#subscriptions.add(sub);
    return Promise.resolve(() => {
      q.finished.delete(own);
      this.#subscriptions.delete(sub);
      return Promise.resolve();
    });
  }

  time(): Promise<number> {
    return Promise.resolve(this.#store.now());
  }

  upsertSchedule(s: NewSchedule): Promise<ScheduleUpsertResult> {
    const q = this.#q(s.queue);
    const now = this.#store.now();
    const sid = s.id;
    const firstAt = String(s.firstAt);
    const rule = s.rule;
    let h = q.scheduleRecords.get(sid);
    const setDefinition = (h: Hash) => {
      Object.assign(h, {
        actor: s.actor,
        args: s.argsJson,
        opts: s.optionsJson,
        catchup: s.catchUp ? "1" : "0",
        def: s.definitionKey,
      });
    };
    const setRule = (h: Hash) => {
      Object.assign(h, {
        every: rule.kind === "every" ? String(rule.everyMs) : "",
        anchor: rule.kind === "every" ? String(rule.anchor) : "",
        cron: rule.kind === "cron" ? rule.cron : "",
        tz: rule.kind === "cron" ? rule.tz : "",
        rule: s.ruleKey,
        next: firstAt,
      });
      q.schedules.add(sid, s.firstAt);
    };
    let result: ScheduleUpsertResult;
    if (!h) {
      h = {};
      setDefinition(h);
      setRule(h);
      h.status = "active";
      h.created = String(s.now);
      q.scheduleRecords.set(sid, h);
      this.#createOccurrence(q, sid, firstAt, s.actor, s.argsJson, s.optionsJson, now);
      result = { outcome: "created", status: "active", nextRunAt: s.firstAt };
    } else {
      const status = h.status as ScheduleStatus;
      let nextAt: string | undefined = h.next;
      let outcome: ScheduleUpsertResult["outcome"] = "kept";
      if (h.def !== s.definitionKey) {
        outcome = "updated";
        const oldRule = h.rule;
        setDefinition(h);
        if (oldRule !== s.ruleKey) {
          this.#removePending(q, sid, nextAt, now);
          setRule(h);
          nextAt = firstAt;
        } else if (nextAt !== undefined) {
          const occ = this.#get(q, `${sid}@${nextAt}`, now)?.h;
          if (occ && (occ.status === "deferred" || occ.status === "queued")) {
            occ.actor = s.actor;
            occ.args = s.argsJson;
            occ.opts = occurrenceOptions(s.optionsJson, sid, nextAt);
          }
        }
      }
      if (status === "active" && nextAt !== undefined) {
        this.#createOccurrence(q, sid, nextAt, s.actor, s.argsJson, s.optionsJson, now);
      }
      result = { outcome, status, nextRunAt: Number(nextAt ?? firstAt) };
    }
    this.#store.changed();
    return Promise.resolve(result);
  }

  getSchedule(queue: string, id: string): Promise<ScheduleInfo | null> {
    const h = this.#q(queue).scheduleRecords.get(id);
    return Promise.resolve(h ? scheduleInfoFromFields(queue, id, h) : null);
  }

  listSchedules(queue: string): Promise<ScheduleInfo[]> {
    const q = this.#q(queue);
    const out: ScheduleInfo[] = [];
    for (const id of [...q.schedules]) {
      const h = q.scheduleRecords.get(id);
      if (h) out.push(scheduleInfoFromFields(queue, id, h));
      else q.schedules.remove(id);
    }
    return Promise.resolve(out);
  }

  advanceSchedule(queue: string, id: string, at: number, nextAt: number): Promise<AdvanceOutcome> {
    const q = this.#q(queue);
    const h = q.scheduleRecords.get(id);
    if (!h) return Promise.resolve("gone");
    let runs = q.scheduleRuns.get(id);
    if (!runs) {
      runs = new SortedSet();
      q.scheduleRuns.set(id, runs);
    }
    runs.add(`${id}@${at}`, at);
    while (runs.size > SCHEDULE_RUNS_KEPT) runs.remove(runs.first()!.member);
    if (!h.last || Number(h.last) < at) h.last = String(at);
    if (Number(h.next) !== at) return Promise.resolve("stale");
    if (h.status !== "active") return Promise.resolve("paused");
    if (nextAt <= at) {
      return Promise.reject(new Error(formatMessage(MESSAGE.nextNotAfter, { next: nextAt, at })));
    }
    h.next = String(nextAt);
    q.schedules.add(id, nextAt);
    this.#createOccurrence(q, id, h.next, h.actor, h.args, h.opts, this.#store.now());
    this.#store.changed();
    return Promise.resolve("advanced");
  }

  pauseSchedule(queue: string, id: string): Promise<boolean> {
    const q = this.#q(queue);
    const h = q.scheduleRecords.get(id);
    if (!h) return Promise.resolve(false);
    if (h.status === "paused") return Promise.resolve(true);
    h.status = "paused";
    this.#removePending(q, id, h.next, this.#store.now());
    this.#store.changed();
    return Promise.resolve(true);
  }

  resumeSchedule(
    queue: string,
    id: string,
    nextAt: number,
  ): Promise<"resumed" | "active" | "gone"> {
    const q = this.#q(queue);
    const h = q.scheduleRecords.get(id);
    if (!h) return Promise.resolve("gone");
    if (h.status === "active") return Promise.resolve("active");
    h.status = "active";
    h.next = String(nextAt);
    q.schedules.add(id, nextAt);
    this.#createOccurrence(q, id, h.next, h.actor, h.args, h.opts, this.#store.now());
    this.#store.changed();
    return Promise.resolve("resumed");
  }

  cancelSchedule(queue: string, id: string): Promise<boolean> {
    const q = this.#q(queue);
    const h = q.scheduleRecords.get(id);
    q.schedules.remove(id);
    if (!h) return Promise.resolve(false);
    this.#removePending(q, id, h.next, this.#store.now());
    q.scheduleRecords.delete(id);
    q.scheduleRuns.delete(id);
    this.#store.changed();
    return Promise.resolve(true);
  }

  scheduleRuns(queue: string, id: string, limit: number): Promise<string[]> {
    const runs = this.#q(queue).scheduleRuns.get(id);
    if (!runs || limit <= 0) return Promise.resolve([]);
    return Promise.resolve([...runs].reverse().slice(0, limit));
  }

  /** `create_occurrence`: the deferred job `<sid>@<at>`, unless a job with that id exists. */
  #createOccurrence(
    q: QueueState,
    sid: string,
    at: string,
    actor: string,
    args: string,
    opts: string | undefined,
    now: number,
  ): boolean {
    const id = `${sid}@${at}`;
    if (this.#get(q, id, now)) return false;
    const options = occurrenceOptions(opts, sid, at);
    q.jobs.set(id, { h: newJobFields(actor, args, "deferred", now, Number(at), options) });
    q.deferred.add(id, Number(at));
    this.#signalWork(q);
    return true;
  }

  /** `remove_pending`: deletes the occurrence `<sid>@<at>` unless it has started. */
  #removePending(q: QueueState, sid: string, at: string | undefined, now: number): void {
    if (at === undefined) return;
    const id = `${sid}@${at}`;
    const st = this.#get(q, id, now)?.h.status;
    if (st === "deferred" || st === "queued") {
      q.deferred.remove(id);
      q.ready.remove(id);
      q.jobs.delete(id);
    }
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
    const now = this.#store.now();
    const total: MemoryQueueCounts = {
      queued: 0,
      deferred: 0,
      due: 0,
      inProgress: 0,
      nextDueAt: null,
    };
    for (const q of this.#store.queues.values()) {
      if (q.prefix !== this.#prefix || (queue !== undefined && q.queue !== queue)) continue;
      total.queued += q.ready.length;
      total.deferred += q.deferred.size;
      total.due += q.deferred.countTo(now);
      total.inProgress += q.active.size;
      const next = q.deferred.first()?.score;
      if (next !== undefined && (total.nextDueAt === null || next < total.nextDueAt)) {
        total.nextDueAt = next;
      }
    }
    return total;
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
    const out: string[] = [];
    for (const q of this.#store.queues.values()) {
      if (q.prefix === this.#prefix && (q.jobs.size > 0 || q.ready.length > 0)) out.push(q.queue);
    }
    return out;
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
    for (const [key, q] of this.#store.queues) {
      if (q.prefix !== this.#prefix) continue;
      q.jobs.clear();
      q.ready.clear();
      for (const id of [...q.deferred]) q.deferred.remove(id);
      for (const id of [...q.active]) q.active.remove(id);
      for (const id of [...q.dead]) q.dead.remove(id);
      q.marker = false;
      if (q.waiters.length === 0 && q.finished.size === 0) this.#store.queues.delete(key);
    }
    this.#store.changed();
  }

  /**
   * Ends this backend's waits and subscriptions. The data stays in the store
   * (a named store is forgotten once no backend uses it and it holds no
   * job); a private store's timer is stopped.
   */
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

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const w of [...this.#waits]) w.wake();
    for (const s of this.#subscriptions) s.q.finished.delete(s.listener);
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

/**
 * Opens the store of a `memory://` URL: `memory://` is the process's
 * default shared store, `memory://name` the store of that name.
 */
export function memoryBackendFromUrl(
  url: string,
  options: { prefix?: string },
  action: string,
): MemoryBackend {
  const m = /^memory:\/\/([A-Za-z0-9_.:\-]*)\/?$/.exec(url);
  if (!m) {
    throw new TypeError(
      `${action}: memory URL ${JSON.stringify(url)} must be memory:// or memory://name ` +
        `(letters, digits, "_", ".", ":" or "-")`,
    );
  }
  return new MemoryBackend({ store: m[1], prefix: options.prefix });
}

/**
 * `occurrence_opts`: the options JSON of an occurrence, the schedule's
 * options plus `schedule: {id, at}`; text that is not a JSON object counts
 * as `{}`, as in the script.
 */
function occurrenceOptions(opts: string | undefined, sid: string, at: string): string {
  const v: unknown = opts ? parseJsonOr(opts, null) : null;
  const base = v !== null && typeof v === "object" && !Array.isArray(v) ? v : {};
  return JSON.stringify({ ...base, schedule: { id: sid, at: Number(at) } });
}

/**
 * `new_job`: the record of a new job (its options JSON only when given);
 * the caller puts the id in the ready or the deferred queue.
 */
function newJobFields(
  actor: string,
  args: string,
  status: "queued" | "deferred",
  now: number,
  due: number,
  opts: string | undefined,
): JobFields {
  const h: JobFields = {
    actor,
    args,
    status,
    enq: String(now),
    due: String(due),
    deliveries: "0",
    attempts: "0",
  };
  if (opts) h.opts = opts;
  return h;
}

/** Whether a result of these JSON texts is carried by its announcement (≤ INLINE_RESULT_MAX bytes). */
function fitsInline(texts: (string | undefined)[]): boolean {
  let chars = 0;
  for (const t of texts) chars += t?.length ?? 0;
  if (chars * 3 <= INLINE_RESULT_MAX) return true;
  let bytes = 0;
  for (const t of texts) bytes += t ? encoder.encode(t).length : 0;
  return bytes <= INLINE_RESULT_MAX;
}

/** A finished job's state as its announcement carries it: the FINISHED_FIELDS only. */
function finishedInfo(queue: string, id: string, h: JobFields): JobInfo {
  const fields: Record<string, string> = {};
  for (const name of FINISHED_FIELDS) {
    const v = h[name];
    if (v !== undefined && v !== "") fields[name] = v;
  }
  return jobInfoFromHash(queue, id, fields);
}

function toNumber(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}

const encoder = new TextEncoder();

/**
 * The UTF-8 length of `s` (Lua's `#` on a Redis string); exact whenever it
 * may exceed 200, which is all the callers compare it with.
 */
function byteLength(s: string): number {
  return s.length * 3 <= 200 ? s.length : encoder.encode(s).length;
}

/** The first `max` bytes of `s` as UTF-8, decoded back (a cut character is dropped). */
function truncateBytes(s: string, max: number): string {
  const bytes = encoder.encode(s);
  if (bytes.length <= max) return s;
  return new TextDecoder().decode(bytes.subarray(0, max)).replace(/\uFFFD$/, "");
}
