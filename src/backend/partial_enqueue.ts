/**
 * The outcome of an enqueue whose jobs span queues that succeed and fail
 * separately (on a Redis Cluster, queues live on different masters).
 *
 * @module
 */

import type { EnqueueOutcome } from "../core/job.ts";

/**
 * `Backend.enqueue` rejects with this when the jobs of some queues were
 * stored and those of others were not (or failed with different errors):
 * for each job, in order, its outcome or its own queue's error. Producers
 * settle each job's enqueue with its own entry, never with another queue's
 * error.
 */
export class PartialEnqueueError extends Error {
  /** Per job: its outcome when its queue's call succeeded, else `undefined`. */
  readonly outcomes: (EnqueueOutcome | undefined)[];
  /** Per job: its queue's error when that call failed, else `undefined`. */
  readonly errors: unknown[];

  /**
   * @param outcomes Per job, the outcome or `undefined`.
   * @param errors Per job, the error or `undefined`.
   */
  constructor(outcomes: (EnqueueOutcome | undefined)[], errors: unknown[]) {
    const first = errors.find((e) => e !== undefined);
    const stored = outcomes.filter((o) => o !== undefined).length;
    super(
      `Cannot enqueue ${errors.filter((e) => e !== undefined).length} of ${outcomes.length} jobs ` +
        `(${stored} stored): ${first instanceof Error ? first.message : String(first)}`,
      { cause: first },
    );
    this.name = "PartialEnqueueError";
    this.outcomes = outcomes;
    this.errors = errors;
  }
}
