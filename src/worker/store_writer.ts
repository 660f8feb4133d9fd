/**
 * The store writer: the writes for a leased job (ack, retry record,
 * requeue, dead-letter, schedule advance), retried while the store cannot be
 * reached.
 *
 * @module
 */

import type { LeasedJob } from "../core/job.ts";
import { storeRetryDelay } from "../core/backoff.ts";
import { sleep } from "../core/sleep.ts";
import { LeaseLostError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { RunningJob } from "./running_job.ts";

/** Writes to the store for the jobs a worker leased. */
export class StoreWriter {
  readonly #log: Logger;

  /** @param log Where retries and refusals are logged. */
  constructor(log: Logger) {
    this.#log = log;
  }

  /**
   * Runs a store write for a leased job, retrying while the store is
   * unreachable; gives up (returning `undefined`) once the job is detached,
   * since its lease is then gone anyway, or after the store refused the
   * write with an error reply three times (a corrupted record): the job is
   * then left to its lease, which expires and delivers it again.
   */
  async retryWrite<T>(
    r: RunningJob,
    what: string,
    write: () => Promise<T>,
  ): Promise<T | undefined> {
    let failures = 0;
    let replyErrors = 0;
    while (true) {
      try {
        return await write();
      } catch (error) {
        failures++;
        if (failures === 1) {
          this.#log.warn(`cannot ${what} job, retrying`, { id: r.job.id, error });
        }
        if (error instanceof Error && error.name === "ReplyError" && ++replyErrors >= 3) {
          this.#log.error(`cannot ${what} job: the store keeps refusing; leaving it to its lease`, {
            id: r.job.id,
            error,
          });
          r.detach();
          return undefined;
        }
        if (!r.writable) return undefined;
        await sleep(storeRetryDelay(failures));
        if (!r.writable) return undefined;
      }
    }
  }

  /** Logs that the store refused a write for `job` because its lease is gone. */
  refused(job: LeasedJob, action: string): void {
    this.#log.warn("write refused: lease lost", {
      id: job.id,
      error: new LeaseLostError(job.id, action),
    });
  }
}
