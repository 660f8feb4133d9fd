/**
 * Merges the enqueues made in the same synchronous run (for example
 * `Promise.all(items.map((i) => producer.enqueueJob(…)))`) into one call of
 * `Backend.enqueue`, which stores the jobs of one queue with one script
 * call. A lone enqueue waits only for a microtask.
 *
 * @module
 */

import type { EnqueueOutcome, NewJob } from "../core/job.ts";
import { type Deferred, deferred } from "../core/sleep.ts";

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
    let sent: Promise<EnqueueOutcome[]>;
    try {
      sent = this.enqueue(jobs);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      (out) => waiters.forEach((w, i) => w.resolve(out[i])),
      (error) => waiters.forEach((w) => w.reject(error)),
    );
  }
}
