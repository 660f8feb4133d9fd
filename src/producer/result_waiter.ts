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
 * @module
 */

import type { Backend } from "../backend/backend.ts";
import type { JobInfo, JobResult } from "../core/job.ts";
import { type Deferred, deferred } from "../core/sleep.ts";
import { JobNotFoundError, ResultTimeoutError } from "../errors.ts";

/** Options of a wait for a result. */
export interface WaitOptions {
  /** Give up after this many milliseconds with a `ResultTimeoutError`. */
  timeoutMs?: number;
  /** Give up when this signal aborts (rejecting with its reason). */
  signal?: AbortSignal;
}

const CLOSED = "The producer was closed";
/** At most this many jobs are watched; the oldest watches are dropped first. */
const WATCH_MAX = 10_000;
/** At most this many results that came before their wait are kept. */
const EARLY_MAX = 1_000;
/** A result that came before its wait is used for this long; later the wait reads the state. */
const EARLY_MAX_AGE_MS = 5_000;

interface Pending {
  queue: string;
  id: string;
  /** Each wait, with the enqueue time below which a result is an earlier job's. */
  waiters: Map<Deferred<JobResult>, number>;
  checking: boolean;
  again: boolean;
}

/** Waits for results of many jobs over one subscription per queue. */
export class ResultWaiter {
  readonly #backend: Backend;
  readonly #recheckMs: number;
  readonly #subscriptions = new Map<string, Promise<() => Promise<void>>>();
  readonly #pending = new Map<string, Pending>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** Queues whose subscription is active. */
  readonly #active = new Set<string>();
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
  async wait(
    queue: string,
    id: string,
    options: WaitOptions = {},
    since = 0,
  ): Promise<JobResult> {
    const { signal, timeoutMs } = options;
    signal?.throwIfAborted();
    if (this.#closed) throw new Error(CLOSED);
    const d = deferred<JobResult>();
    const onAbort = () => d.reject(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = timeoutMs === undefined
      ? undefined
      : setTimeout(() => d.reject(new ResultTimeoutError(id, timeoutMs)), timeoutMs);
    const key = `${queue}\n${id}`;
    try {
      const early = this.#early.get(key);
      if (early) {
        this.#early.delete(key);
        if (Date.now() - early.at <= EARLY_MAX_AGE_MS && early.result.enqueuedAt >= since) {
          return early.result;
        }
      }
      // Subscribe first, then read the state: a job finishing in between is never missed.
      await Promise.race([this.#subscribe(queue), d.promise]);
      if (this.#closed) throw new Error(CLOSED); // closed while subscribing
      let p = this.#pending.get(key);
      if (!p) {
        p = { queue, id, waiters: new Map(), checking: false, again: false };
        this.#pending.set(key, p);
      }
      p.waiters.set(d, since);
      this.#ensureTimer();
      // A watched job's notification is still to come: no read needed.
      if (!this.#watched.delete(key)) void this.#check(key);
      return await d.promise;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      const cur = this.#pending.get(key);
      if (cur) {
        cur.waiters.delete(d);
        if (cur.waiters.size === 0) this.#pending.delete(key);
      }
      if (this.#pending.size === 0 && this.#timer !== undefined) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    }
  }

  #subscribe(queue: string): Promise<unknown> {
    let s = this.#subscriptions.get(queue);
    if (!s) {
      s = this.#backend.onFinished(
        queue,
        (id, info) => this.#notified(`${queue}\n${id}`, info),
        () => this.#recheckAll(),
      );
      s.then(() => this.#active.add(queue), () => this.#subscriptions.delete(queue));
      this.#subscriptions.set(queue, s);
    }
    return s;
  }

  #ensureTimer(): void {
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#recheckAll(), this.#recheckMs);
    }
  }

  #recheckAll(): void {
    this.#watched.clear(); // notifications may have been missed: waits read the state
    for (const key of this.#pending.keys()) void this.#check(key);
  }

  /**
   * Watches a job about to be enqueued (before the enqueue is sent), when
   * its queue's subscription is active, so that waiting for it needs no read.
   */
  watch(queue: string, id: string): void {
    if (this.#closed || !this.#active.has(queue)) return;
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
  #notified(key: string, info: JobInfo | undefined): void {
    const p = this.#pending.get(key);
    if (!p) {
      // Not waited for (yet): keep a watched job's result for its wait.
      if (this.#watched.delete(key) && info?.result) {
        this.#early.set(key, { result: info.result, at: Date.now() });
        if (this.#early.size > EARLY_MAX) this.#early.delete(this.#early.keys().next().value!);
      }
      return;
    }
    if (!info?.result) {
      void this.#check(key);
      return;
    }
    resolveWaiters(p, info.result);
  }

  async #check(key: string): Promise<void> {
    const p = this.#pending.get(key);
    if (!p) return;
    if (p.checking) {
      p.again = true; // a notification came in while reading: read once more afterwards
      return;
    }
    p.checking = true;
    let info: JobInfo | null;
    try {
      info = await this.#backend.getJob(p.queue, p.id);
    } catch {
      return; // the store is unreachable: the next notification or recheck tries again
    } finally {
      p.checking = false;
      if (p.again) {
        p.again = false;
        queueMicrotask(() => void this.#check(key));
      }
    }
    if (info === null) {
      for (const w of p.waiters.keys()) w.reject(new JobNotFoundError(p.id, p.queue));
    } else if (info.result) {
      resolveWaiters(p, info.result);
    }
  }

  /** Ends every subscription. Pending waits are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const p of this.#pending.values()) {
      for (const w of p.waiters.keys()) w.reject(new Error(CLOSED));
    }
    this.#pending.clear();
    this.#watched.clear();
    this.#early.clear();
    this.#active.clear();
    const subs = [...this.#subscriptions.values()];
    this.#subscriptions.clear();
    await Promise.all(subs.map(async (s) => {
      try {
        await (await s)();
      } catch {
        // already gone
      }
    }));
  }
}

/** Resolves the waits that `result` belongs to (not those of a later job with the same id). */
function resolveWaiters(p: Pending, result: JobResult): void {
  for (const [w, since] of p.waiters) if (result.enqueuedAt >= since) w.resolve(result);
}
