/**
 * Waiting for results: a subscription to the queue's "finished" channel is
 * made before the job's state is read, so a job that finishes between the
 * read and the wait is never missed. After a reconnect of the subscriber,
 * and every `recheckMs` as a safety net, pending jobs are read again.
 *
 * A job this producer enqueues while the subscription of its queue is active
 * is watched from before the enqueue is sent: its notification cannot be
 * missed, so waiting for it needs no first read, and a notification that
 * carries the result and arrives before the wait is kept for the wait (for a
 * few seconds, a bounded number of them). A reconnect of the subscriber
 * drops the watches (their waits read the state, as any other).
 *
 * Reads are batched: the jobs to read are collected, and read a batch of
 * {@linkcode READ_BATCH} jobs of one queue at a time (one store call each,
 * one after the other), reading only their status and the results of the
 * finished ones. A wait holds a few small objects and no closure of its own
 * unless it has a timeout or a signal: a producer can await many jobs.
 *
 * @module
 */

import type { Backend } from "../backend/backend.ts";
import type { JobInfo, JobResult } from "../core/job.ts";
import { type LongTimeout, setLongTimeout } from "../core/long_timeout.ts";
import { JobNotFoundError, ProducerClosedError, ResultTimeoutError } from "../errors.ts";

/** Options of a wait for a result. */
export interface WaitOptions {
  /**
   * Give up after this many milliseconds with a `ResultTimeoutError`: any
   * safe integer ≥ 0 (waits past the 24.9 days of one timer are kept too).
   * @default {undefined (no time limit)}
   */
  timeoutMs?: number;
  /**
   * Give up when this signal aborts (rejecting with its reason).
   * @default {undefined (no signal)}
   */
  signal?: AbortSignal;
}

/** At most this many jobs are watched; the oldest watches are dropped first. */
const WATCH_MAX = 10_000;
/** At most this many results that came before their wait are kept. */
const EARLY_MAX = 1_000;
/** A result that came before its wait is used for this long; later the wait reads the state. */
const EARLY_MAX_AGE_MS = 5_000;
/** The most jobs read in one store call. */
export const READ_BATCH = 200;

/** One wait for a result. */
interface Waiter {
  resolve(result: JobResult): void;
  reject(error: unknown): void;
  /** The enqueue time below which a result is an earlier job's. */
  since: number;
  timer?: LongTimeout;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * Where a pending job stands with its reads: none queued or in flight,
 * queued for the next batch, in a batch in flight, or in flight and to be
 * read once more afterwards (a notification came meanwhile).
 */
type Read = "idle" | "queued" | "reading" | "again";

/** A job with waits on its result. */
interface Pending {
  queue: string;
  id: string;
  /** Its waits (most often one). */
  waiters: Waiter[];
  read: Read;
}

/** A queue's subscription to its finished channel. */
interface Subscription {
  /** Resolves with the unsubscribe function. */
  promise: Promise<() => Promise<void>>;
  /** Whether it is active (notifications cannot be missed from now on). */
  active: boolean;
  /** Jobs whose first read waits for the subscription to be active. */
  waiting: Pending[];
}

/** Waits for results of many jobs over one subscription per queue. */
export class ResultWaiter {
  readonly #backend: Backend;
  readonly #recheckMs: number;
  readonly #subscriptions = new Map<string, Subscription>();
  /** Pending jobs by queue, then id. */
  readonly #pending = new Map<string, Map<string, Pending>>();
  #pendingCount = 0;
  /** Pending jobs to read first (new waits, notifications without a result), by queue. */
  readonly #toRead = new Map<string, Set<Pending>>();
  /** Pending jobs to read after those (the safety-net re-read), by queue. */
  readonly #toRecheck = new Map<string, Set<Pending>>();
  #draining = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** Watched jobs (`queue\nid`) whose notification has not come yet. */
  readonly #watched = new Set<string>();
  /** Results whose notification came before their wait, and when. */
  readonly #early = new Map<string, { result: JobResult; at: number }>();

  /**
   * @param backend The store.
   * @param recheckMs How often pending jobs are read again as a safety net (≥ 100).
   */
  constructor(backend: Backend, recheckMs: number) {
    this.#backend = backend;
    this.#recheckMs = Math.max(100, recheckMs);
  }

  /**
   * Resolves with the job's result once it has finished. A result whose job
   * was enqueued before `since` (epoch ms, store clock) belongs to an earlier
   * job with the same custom id and is ignored.
   */
  wait(
    queue: string,
    id: string,
    options: WaitOptions = {},
    since = 0,
  ): Promise<JobResult> {
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#closed) return Promise.reject(closedError(id));
    const key = `${queue}\n${id}`;
    const early = this.#early.get(key);
    if (early) {
      this.#early.delete(key);
      if (Date.now() - early.at <= EARLY_MAX_AGE_MS && early.result.enqueuedAt >= since) {
        return Promise.resolve(early.result);
      }
    }
    return new Promise<JobResult>((resolve, reject) => {
      const w: Waiter = { resolve, reject, since };
      const p = this.#add(queue, id, w);
      if (timeoutMs !== undefined) {
        w.timer = setLongTimeout(
          () => this.#drop(p, w, new ResultTimeoutError(id, timeoutMs)),
          timeoutMs,
        );
      }
      if (signal) {
        w.signal = signal;
        w.onAbort = () => this.#drop(p, w, signal.reason);
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      // Subscribe first, then read the state: a job finishing in between is never missed.
      const sub = this.#subscribe(queue);
      if (!sub.active) sub.waiting.push(p);
      // A watched job's notification is still to come: no read needed.
      else if (!this.#watched.delete(key)) this.#queueRead(p);
    });
  }

  /** Adds a wait on a job, making it pending. */
  #add(queue: string, id: string, w: Waiter): Pending {
    let ofQueue = this.#pending.get(queue);
    if (!ofQueue) this.#pending.set(queue, ofQueue = new Map());
    let p = ofQueue.get(id);
    if (!p) {
      p = { queue, id, waiters: [], read: "idle" };
      ofQueue.set(id, p);
      this.#pendingCount++;
    }
    p.waiters.push(w);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#recheckAll(), this.#recheckMs);
    }
    return p;
  }

  /** Whether `p` is still the pending entry of its job. */
  #isPending(p: Pending): boolean {
    return this.#pending.get(p.queue)?.get(p.id) === p;
  }

  /** Ends one wait: removes it (and its job, once it has no wait left). */
  #remove(p: Pending, w: Waiter): boolean {
    const at = p.waiters.indexOf(w);
    if (at < 0) return false;
    p.waiters.splice(at, 1);
    w.timer?.clear();
    if (w.onAbort) w.signal!.removeEventListener("abort", w.onAbort);
    if (p.waiters.length === 0 && this.#isPending(p)) {
      const ofQueue = this.#pending.get(p.queue)!;
      ofQueue.delete(p.id);
      if (ofQueue.size === 0) this.#pending.delete(p.queue);
      if (--this.#pendingCount === 0 && this.#timer !== undefined) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    }
    return true;
  }

  /** Rejects one wait (its timeout, its signal). */
  #drop(p: Pending, w: Waiter, error: unknown): void {
    if (this.#remove(p, w)) w.reject(error);
  }

  /** Rejects every wait of a job. */
  #rejectAll(p: Pending, error: unknown): void {
    for (const w of [...p.waiters]) this.#drop(p, w, error);
  }

  /** Resolves the waits that `result` belongs to (not those of a later job with the same id). */
  #resolve(p: Pending, result: JobResult): void {
    for (const w of [...p.waiters]) {
      if (result.enqueuedAt >= w.since && this.#remove(p, w)) w.resolve(result);
    }
  }

  #subscribe(queue: string): Subscription {
    const current = this.#subscriptions.get(queue);
    if (current) return current;
    const s: Subscription = {
      promise: this.#backend.onFinished(
        queue,
        (id, info) => this.#notified(queue, id, info),
        () => this.#recheckAll(),
      ),
      active: false,
      waiting: [],
    };
    this.#subscriptions.set(queue, s);
    s.promise.then(() => {
      s.active = true;
      const waiting = s.waiting;
      s.waiting = [];
      if (this.#closed) return;
      for (const p of waiting) if (this.#isPending(p)) this.#queueRead(p);
    }, (error) => {
      if (this.#subscriptions.get(queue) === s) this.#subscriptions.delete(queue);
      const waiting = s.waiting;
      s.waiting = [];
      for (const p of waiting) this.#rejectAll(p, error);
    });
    return s;
  }

  #recheckAll(): void {
    this.#watched.clear(); // notifications may have been missed: waits read the state
    for (const ofQueue of this.#pending.values()) {
      for (const p of ofQueue.values()) this.#queueRead(p, true);
    }
  }

  /**
   * Watches a job about to be enqueued (before the enqueue is sent), when
   * its queue's subscription is active, so that waiting for it needs no read.
   */
  watch(queue: string, id: string): void {
    if (this.#closed || !this.#subscriptions.get(queue)?.active) return;
    const key = `${queue}\n${id}`;
    this.#watched.add(key);
    if (this.#watched.size > WATCH_MAX) {
      this.#watched.delete(this.#watched.values().next().value!);
    }
  }

  /** Stops watching jobs whose enqueue failed. */
  unwatch(queue: string, ids: string[]): void {
    for (const id of ids) this.#watched.delete(`${queue}\n${id}`);
  }

  /** A job finished: its result came with the notification, or it is read. */
  #notified(queue: string, id: string, info: JobInfo | undefined): void {
    const p = this.#pending.get(queue)?.get(id);
    if (!p) {
      // Not waited for (yet): keep a watched job's result for its wait.
      const key = `${queue}\n${id}`;
      if (this.#watched.delete(key) && info?.result) {
        this.#early.set(key, { result: info.result, at: Date.now() });
        if (this.#early.size > EARLY_MAX) this.#early.delete(this.#early.keys().next().value!);
      }
      return;
    }
    if (info?.result) this.#resolve(p, info.result);
    else this.#queueRead(p);
  }

  /**
   * Queues a read of a pending job (once; again after a read in flight). A
   * recheck's reads come after the others, so that a new wait or a
   * notification is not held up behind the re-read of many pending jobs.
   */
  #queueRead(p: Pending, recheck = false): void {
    if (p.read === "reading") p.read = "again";
    if (p.read === "queued" && !recheck && this.#toRecheck.get(p.queue)?.delete(p)) {
      p.read = "idle"; // queued for a recheck: read it among the first instead
    }
    if (p.read !== "idle") return;
    p.read = "queued";
    const lists = recheck ? this.#toRecheck : this.#toRead;
    let set = lists.get(p.queue);
    if (!set) lists.set(p.queue, set = new Set());
    set.add(p);
    if (!this.#draining) {
      this.#draining = true;
      queueMicrotask(() => void this.#drain());
    }
  }

  /** Reads the queued jobs, a batch of one queue at a time, until none is left. */
  async #drain(): Promise<void> {
    try {
      while (!this.#closed) {
        const lists = this.#toRead.size > 0 ? this.#toRead : this.#toRecheck;
        const next = lists.entries().next();
        if (next.done) break;
        const [queue, set] = next.value;
        const batch: Pending[] = [];
        for (const p of set) {
          set.delete(p);
          if (!this.#isPending(p)) {
            p.read = "idle";
            continue;
          }
          p.read = "reading";
          batch.push(p);
          if (batch.length === READ_BATCH) break;
        }
        if (set.size === 0) lists.delete(queue);
        if (batch.length === 0) continue;
        let out: (JobResult | "unfinished" | null)[] | undefined;
        try {
          out = await this.#backend.readResults(queue, batch.map((p) => p.id));
        } catch {
          // The store is unreachable: the next notification or recheck tries again.
        }
        batch.forEach((p, i) => {
          const again = p.read === "again";
          p.read = "idle";
          if (this.#closed || !this.#isPending(p)) return;
          const got = out?.[i];
          if (got === null) this.#rejectAll(p, new JobNotFoundError(p.id, p.queue));
          else if (got !== undefined && got !== "unfinished") this.#resolve(p, got);
          if (again && this.#isPending(p)) this.#queueRead(p);
        });
      }
    } finally {
      this.#draining = false;
    }
  }

  /** Ends every subscription. Pending waits are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const ofQueue of [...this.#pending.values()]) {
      for (const p of [...ofQueue.values()]) this.#rejectAll(p, closedError(p.id));
    }
    this.#pending.clear();
    this.#pendingCount = 0;
    this.#toRead.clear();
    this.#toRecheck.clear();
    this.#watched.clear();
    this.#early.clear();
    const subs = [...this.#subscriptions.values()];
    this.#subscriptions.clear();
    await Promise.all(subs.map(async (s) => {
      try {
        await (await s.promise)();
      } catch {
        // already gone
      }
    }));
  }
}

/** The error of a wait on a closed producer. */
function closedError(id: string): ProducerClosedError {
  return new ProducerClosedError(`get the result of job "${id}"`);
}
