/**
 * The handle on an enqueued job ({@linkcode Job}) and the one place that
 * makes such handles ({@linkcode JobHandles}).
 *
 * @module
 */

import type { Backend, JobActionOutcome } from "../backend/backend.ts";
import type { JobInfo, JobResult, JobStatus } from "../core/job.ts";
import { assertDuration } from "../core/time.ts";
import { logicalQueue, partitionIndex } from "../core/partitions.ts";
import { JobNotFoundError } from "../errors.ts";
import { advanceOccurrence } from "../backend/schedule_advance.ts";
import type { ResultWaiter, WaitOptions } from "./result_waiter.ts";

/** What {@linkcode Job.cancel} did. */
export interface CancelResult {
  /**
   * `true` when this call cancelled the job; `false` when it had already
   * finished (it completed before the cancel: the ack won the race).
   */
  cancelled: boolean;
  /** The job's status after the call: `cancelled`, or the finished status it had. */
  status: JobStatus;
}

/**
 * A handle on an enqueued job.
 *
 * @example
 * ```ts
 * import { Repid, Worker } from "@repid/repid";
 *
 * const worker = new Worker("memory://", { logger: "silent" });
 * worker.actor(async function string_length(s: string) {
 *   return s.length;
 * });
 * const running = worker.runForever({ handleSignals: false });
 * const producer = new Repid("memory://");
 * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
 * const result = await job.result; // waits until the job has finished
 * console.log(result.success, result.value); // true 5
 * await worker.stop();
 * await running;
 * await producer.close();
 * ```
 */
export class Job<T = unknown> {
  /** The job's id. */
  readonly id: string;
  /** The job's queue (for a partitioned queue, its logical name). */
  readonly queue: string;
  /** The job's partition of its queue (0 when the queue is not partitioned). */
  readonly partition: number;
  /** The actor's name. */
  readonly actor: string;
  /** `false` when an unfinished job with this custom id already existed. */
  readonly created: boolean;
  /**
   * When the job was enqueued (epoch ms, store clock), or 0 when unknown. A
   * wait on this handle ignores results of an earlier job that had the same
   * custom id.
   */
  readonly enqueuedAt: number;
  readonly #waiter: ResultWaiter;
  readonly #backend: Backend;
  /** The physical queue (the partition's) the job is stored in. */
  readonly #stored: string;

  /** @ignore */
  constructor(
    fields: { id: string; queue: string; actor: string; created: boolean; enqueuedAt?: number },
    backend: Backend,
    waiter: ResultWaiter,
  ) {
    this.id = fields.id;
    this.#stored = fields.queue;
    this.queue = logicalQueue(fields.queue);
    this.partition = partitionIndex(fields.queue);
    this.actor = fields.actor;
    this.created = fields.created;
    this.enqueuedAt = fields.enqueuedAt ?? 0;
    this.#backend = backend;
    this.#waiter = waiter;
  }

  /** Waits until the job has finished and resolves with its result. */
  get result(): Promise<JobResult<T>> {
    return this.waitResult();
  }

  /**
   * Waits until the job has finished; rejects with `ResultTimeoutError`
   * after `timeoutMs`, with the signal's reason when `signal` aborts, and
   * with `JobNotFoundError` when the id is unknown.
   *
   * @example
   * ```ts
   * import { Repid, Worker } from "@repid/repid";
   *
   * const worker = new Worker("memory://", { logger: "silent" });
   * worker.actor(async function string_length(s: string) {
   *   return s.length;
   * });
   * const running = worker.runForever({ handleSignals: false });
   * const producer = new Repid("memory://");
   * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
   * const result = await job.waitResult({ timeoutMs: 10_000 });
   * console.log(result.value); // 5
   * await worker.stop();
   * await running;
   * await producer.close();
   * ```
   */
  waitResult(options: WaitOptions = {}): Promise<JobResult<T>> {
    if (options.timeoutMs !== undefined) {
      assertDuration(options.timeoutMs, "timeoutMs", "Cannot wait for result");
    }
    return this.#waiter.wait(this.#stored, this.id, options, this.enqueuedAt) as Promise<
      JobResult<T>
    >;
  }

  /**
   * Reads the result without waiting: `null` while the job is unfinished
   * (or unknown).
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
   * const result = await job.getResult(); // null while unfinished
   * console.log(result); // null
   * await producer.close();
   * ```
   */
  async getResult(): Promise<JobResult<T> | null> {
    return ((await this.info())?.result ?? null) as JobResult<T> | null;
  }

  /**
   * Reads the job's state, or `null` when the id is unknown.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
   * const info = await job.info();
   * console.log(info?.status, info?.deliveries); // queued 0
   * await producer.close();
   * ```
   */
  info(): Promise<JobInfo | null> {
    return this.#backend.getJob(this.#stored, this.id);
  }

  /**
   * Reads the job's status, or `null` when the id is unknown.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
   * console.log(await job.status()); // "queued", "in_progress", "done", …
   * await producer.close();
   * ```
   */
  async status(): Promise<JobStatus | null> {
    return (await this.info())?.status ?? null;
  }

  /**
   * Reads the latest progress the job's actor reported with
   * `this.progress(value)`, or `null` before any (or when the id is unknown).
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const job = await producer.enqueueJob("resize", { args: ["a.png"] });
   * console.log(await job.progress()); // null: not started
   * await producer.close();
   * ```
   */
  async progress(): Promise<unknown> {
    return (await this.info())?.progress ?? null;
  }

  /**
   * Calls `listener` with each progress the job's actor reports from now on
   * (in any process), until the returned function is called or the job
   * finishes. Reports are coalesced by the worker: a listener sees the
   * latest values, not necessarily every one. A listener that throws is
   * ignored. Resolves once subscribed.
   *
   * @example
   * ```ts
   * import { Repid, Worker } from "@repid/repid";
   *
   * const worker = new Worker("memory://progress-example", { logger: "silent" });
   * worker.actor(async function count_to(n: number) {
   *   for (let i = 1; i <= n; i++) this.progress({ done: i, of: n });
   *   return n;
   * });
   * const producer = new Repid("memory://progress-example");
   * const job = await producer.enqueueJob("count_to", { args: [1000] });
   * const seen: unknown[] = [];
   * const stop = await job.onProgress((p) => seen.push(p));
   * const running = worker.runForever({ handleSignals: false });
   * await job.result;
   * console.log(await job.progress()); // { done: 1000, of: 1000 }
   * await stop();
   * await worker.stop();
   * await running;
   * await producer.close();
   * ```
   *
   * @param listener Called with each progress value.
   * @returns Resolves with the function that stops listening.
   * @throws {TypeError} When `listener` is not a function.
   */
  async onProgress(listener: (progress: unknown) => void): Promise<() => Promise<void>> {
    if (typeof listener !== "function") {
      throw new TypeError(
        `Cannot follow the progress of job "${this.id}": the listener is a ${typeof listener}, expected a function`,
      );
    }
    const subscription: { off?: () => Promise<void> } = {};
    let ended = false;
    const stop = () => {
      ended = true;
      return subscription.off?.() ?? Promise.resolve();
    };
    const off = await this.#backend.onQueueEvents(this.queue, (event) => {
      if (ended || event.id !== this.id) return;
      if (event.type === "finished") {
        void stop();
        return;
      }
      try {
        listener(event.progress);
      } catch {
        // a listener's failure is its own
      }
    });
    subscription.off = off;
    if (ended) await off();
    return stop;
  }

  /**
   * Cancels the job, atomically in the store, and says what happened:
   * - queued or deferred: it never starts;
   * - running: whichever worker runs it (in any process) is told at once,
   *   and its `this.signal` aborts with a `JobCancelledError` (a thread
   *   actor's thread is terminated and replaced); the job is not retried,
   *   and a value its actor returns later is discarded;
   * - finished (also when its ack won the race with this call): nothing
   *   changes, and `cancelled` is `false`.
   *
   * A cancelled job is finished with status `cancelled`; its result (kept
   * seven days, like a dead job's) holds the `JobCancelledError`, and its
   * waiters get that result. Cancelling an occurrence of a recurring job
   * does not stop its schedule: the next occurrence is still created
   * (`schedule.cancel()` stops the schedule). Rejects with
   * `JobNotFoundError` when the id is unknown (or its result expired).
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const job = await producer.enqueueJob("send_newsletter", { args: ["draft"] });
   * console.log(await job.cancel()); // { cancelled: true, status: "cancelled" }
   * console.log(await job.cancel()); // { cancelled: false, status: "cancelled" }
   * console.log((await job.result).error?.name); // "JobCancelledError"
   * await producer.close();
   * ```
   */
  async cancel(): Promise<CancelResult> {
    const outcome = await this.#backend.cancelJob(this.#stored, this.id);
    if (outcome.before === null) throw new JobNotFoundError(this.id, this.queue);
    if (!outcome.cancelled) return { cancelled: false, status: outcome.before };
    if (outcome.options.schedule && outcome.before !== "in_progress") {
      // An occurrence that never started: move its schedule on, as its start would have.
      const now = await this.#backend.time(this.#stored);
      await advanceOccurrence(this.#backend, {
        queue: this.#stored,
        options: outcome.options,
        startedAt: now,
      });
    }
    return { cancelled: true, status: "cancelled" };
  }

  /**
   * Sends a finished job (`done`, `failed`, `dead` or `cancelled`) through
   * again under its id: it is queued at the tail with a fresh attempt budget,
   * keeping its arguments and the errors of its earlier attempts (see
   * `info().errors`). A job that has not finished is left as it is:
   * `requeued` is then `false` and `status` says where the job is. Rejects
   * with `JobNotFoundError` when the job no longer exists.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const job = await producer.enqueueJob("send_email");
   * console.log(await job.requeue()); // { requeued: false, status: "queued" }: not finished
   * await producer.close();
   * ```
   */
  async requeue(): Promise<{ requeued: boolean; status: JobStatus }> {
    const r = await this.#act((b) => b.requeueJob(this.#stored, this.id));
    return { requeued: r.done, status: r.done ? "queued" : r.status };
  }

  /**
   * Makes a deferred job due now: the next fetch of its queue takes it
   * (its status stays `deferred` until then). A job in another state is left
   * as it is: `promoted` is then `false` and `status` says where the job is
   * (a done job is not run again: see {@linkcode Job.requeue}). Rejects with
   * `JobNotFoundError` when the job no longer exists.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const job = await producer.enqueueJob("send_email", { deferUntil: Date.now() + 3_600_000 });
   * console.log(await job.promote()); // { promoted: true, status: "deferred" }
   * await producer.close();
   * ```
   */
  async promote(): Promise<{ promoted: boolean; status: JobStatus }> {
    const r = await this.#act((b) => b.promoteJob(this.#stored, this.id));
    return { promoted: r.done, status: r.status };
  }

  /**
   * Deletes the job, whatever its state: it leaves its queue or index and
   * its record is gone (a wait on it then rejects with `JobNotFoundError`).
   * A running job is cancelled first ({@linkcode Job.cancel}: its worker's
   * `this.signal` aborts and its late result is discarded), then removed.
   * `status` is the job's status before the call. Rejects with
   * `JobNotFoundError` when the job no longer exists.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const job = await producer.enqueueJob("send_email");
   * console.log(await job.remove()); // { removed: true, status: "queued" }
   * console.log(await job.status()); // null
   * await producer.close();
   * ```
   */
  async remove(): Promise<{ removed: boolean; status: JobStatus }> {
    const r = await this.#act((b) => b.removeJob(this.#stored, this.id));
    if (r.done || r.status !== "in_progress") return { removed: r.done, status: r.status };
    // Running: cancel it (or it finishes meanwhile), then remove its finished record.
    await this.cancel();
    const again = await this.#backend.removeJob(this.#stored, this.id);
    return { removed: again.done, status: "in_progress" };
  }

  async #act(
    action: (backend: Backend) => Promise<JobActionOutcome>,
  ): Promise<{ done: boolean; status: JobStatus }> {
    const r = await action(this.#backend);
    if (r.status === null) throw new JobNotFoundError(this.id, this.queue);
    return { done: r.done, status: r.status };
  }
}

/** What a {@linkcode Job} handle knows of its job besides its id, queue and actor. */
export interface JobFacts {
  /**
   * `false` when an unfinished job with this custom id already existed.
   * @default {false}
   */
  created?: boolean;
  /**
   * When the job was enqueued (epoch ms, store clock).
   * @default {0 (unknown)}
   */
  enqueuedAt?: number;
}

/**
 * Makes the {@linkcode Job} handles of one producer, which all read its store
 * and wait on its result waiter.
 *
 * @example
 * ```ts ignore
 * const handles = new JobHandles(backend, waiter);
 * const job = handles.job("default", id, "string_length", { created: true });
 * ```
 */
export class JobHandles {
  /**
   * @param backend The store the handles read.
   * @param waiter The producer's result waiter.
   */
  constructor(readonly backend: Backend, readonly waiter: ResultWaiter) {}

  /** A handle on job `id` of `queue` (a physical queue: a partition's own name), run by `actor`. */
  job<T = unknown>(queue: string, id: string, actor: string, facts: JobFacts = {}): Job<T> {
    return new Job<T>(
      { id, queue, actor, created: facts.created ?? false, enqueuedAt: facts.enqueuedAt },
      this.backend,
      this.waiter,
    );
  }
}
