/**
 * Merges the enqueues made in the same synchronous run (for example
 * `Promise.all(items.map((i) => producer.enqueueJob(…)))`) into few calls of
 * `Backend.enqueue`, which stores the jobs of one queue with one script
 * call. A lone enqueue waits only for a microtask. A merged call holds at
 * most {@linkcode MERGED_JOBS_MAX} jobs and about {@linkcode MERGED_BYTES_MAX}
 * of arguments, so that no script call holds Redis for more than a few
 * milliseconds; the calls are sent together, in order.
 * Each enqueue settles with its own queue's outcome: one queue's failure
 * never rejects the jobs of another queue that were stored.
 *
 * @module
 */

import type { EnqueueOutcome, NewJob } from "../core/job.ts";
import { type Deferred, deferred } from "../core/sleep.ts";
import { PartialEnqueueError } from "../backend/partial_enqueue.ts";

/**
 * The most jobs merged into one call. Redis spends about 10–15 µs per job
 * of `enqueue_many` (measured with `INFO commandstats`), so a call of 200
 * jobs holds it for 2–3 ms.
 */
export const MERGED_JOBS_MAX = 200;

/** Past this many characters of arguments, a merged call takes no more jobs. */
export const MERGED_BYTES_MAX = 1_048_576;

/** Collects jobs until the current synchronous run ends, then enqueues them together. */
export class EnqueueBatcher {
  #jobs: NewJob[] = [];
  #waiters: Deferred<EnqueueOutcome>[] = [];
  #scheduled = false;

  /** @param enqueue Stores jobs; one outcome per job, in order. */
  constructor(
    readonly enqueue: (jobs: NewJob[]) => Promise<EnqueueOutcome[]>,
  ) {}

  /** Enqueues `job` with the others added in this run; resolves with its outcome. */
  add(job: NewJob): Promise<EnqueueOutcome> {
    const d = deferred<EnqueueOutcome>();
    this.#jobs.push(job);
    this.#waiters.push(d);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#flush());
    }
    return d.promise;
  }

  #flush(): void {
    const jobs = this.#jobs;
    const waiters = this.#waiters;
    this.#jobs = [];
    this.#waiters = [];
    this.#scheduled = false;
    let start = 0;
    while (start < jobs.length) {
      let end = start;
      let bytes = 0;
      while (end < jobs.length && end - start < MERGED_JOBS_MAX && bytes < MERGED_BYTES_MAX) {
        bytes += jobs[end].argsJson.length;
        end++;
      }
      if (start === 0 && end === jobs.length) this.#send(jobs, waiters); // all in one call
      else this.#send(jobs.slice(start, end), waiters.slice(start, end));
      start = end;
    }
  }

  #send(jobs: NewJob[], waiters: Deferred<EnqueueOutcome>[]): void {
    let sent: Promise<EnqueueOutcome[]>;
    try {
      sent = this.enqueue(jobs);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      (out) => waiters.forEach((w, i) => w.resolve(out[i])),
      (error) => settleEach(waiters, error),
    );
  }
}

/** Rejects every waiter with `error`, or, for a partial failure, settles each with its own entry. */
function settleEach(waiters: Deferred<EnqueueOutcome>[], error: unknown): void {
  if (!(error instanceof PartialEnqueueError)) {
    for (const w of waiters) w.reject(error);
    return;
  }
  waiters.forEach((w, i) => {
    const outcome = error.outcomes[i];
    if (outcome) w.resolve(outcome);
    else w.reject(error.errors[i]);
  });
}
