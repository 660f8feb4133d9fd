/**
 * The store writer: the writes for a leased job (ack, retry record,
 * requeue, dead-letter, schedule advance), retried while the store cannot
 * take them for now (unreachable, out of memory, loading…); while any is
 * being retried, the fetch loops lease nothing new.
 *
 * @module
 */

import type { LeasedJob } from "../core/job.ts";
import { storeRetryDelay } from "../core/backoff.ts";
import { sleep } from "../core/sleep.ts";
import { LeaseLostError, StoreRefusedError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { RunningJob } from "./running_job.ts";
import { WakeList } from "./wake_list.ts";
import { jobEventFields, type WorkerEvents } from "./worker_events.ts";

/** `retryWrite`'s `firstError` when the caller made no first try. */
const NOT_TRIED: unique symbol = Symbol("not tried");

/** Writes to the store for the jobs a worker leased. */
export class StoreWriter {
  readonly #log: Logger;
  readonly #events: WorkerEvents;
  /** How many writes are being retried. */
  #failing = 0;
  /** Fetch loops waiting for them to land. */
  readonly #landed = new WakeList();

  /**
   * @param log Where retries and refusals are logged.
   * @param events Where failed writes (`error`) and refusals (`leaseLost`) are reported.
   */
  constructor(log: Logger, events: WorkerEvents) {
    this.#log = log;
    this.#events = events;
  }

  /** Whether no write is being retried now. */
  get landed(): boolean {
    return this.#failing === 0;
  }

  /**
   * Resolves at once when no write is being retried, else once those being
   * retried have landed or given up (or when `signal` aborts).
   */
  writesLanded(signal: AbortSignal): Promise<void> {
    return this.#failing === 0 ? Promise.resolve() : this.#landed.wait(signal);
  }

  /**
   * Runs a store write for a leased job, retrying while the store cannot
   * take it for now (unreachable, out of memory, loading…) until it lands or
   * the job is detached (its lease is then gone anyway; an ack's own reply
   * says when its lease is lost). Gives up (returning `undefined`) once the
   * store refused the write for good three times (`StoreRefusedError`, a
   * corrupted record, say): the job is then left to its lease, which
   * expires and delivers it again.
   *
   * `firstError`, when given, is the error of a first try the caller made
   * itself (the ack of each job does, so that a write that lands at once
   * costs no closure and no async layer here): the write is retried from there.
   */
  async retryWrite<T>(
    r: RunningJob,
    what: string,
    write: () => Promise<T>,
    firstError: unknown = NOT_TRIED,
  ): Promise<T | undefined> {
    let failures = 0;
    let refusals = 0;
    let tried = firstError !== NOT_TRIED;
    try {
      while (true) {
        try {
          if (tried) {
            tried = false;
            throw firstError;
          }
          return await write();
        } catch (error) {
          this.#events.emit("error", {
            kind: "store",
            action: `${what} job`,
            error,
            queue: r.job.queue,
            id: r.job.id,
          });
          if (++failures === 1) {
            if (this.#failing++ === 0) {
              this.#log.warn("cannot write to the store; fetching no new jobs until writes land", {
                error,
              });
            }
            this.#log.warn(`cannot ${what} job, retrying`, { id: r.job.id, error });
          }
          if (error instanceof StoreRefusedError && ++refusals >= 3) {
            this.#log.error(
              `cannot ${what} job: the store keeps refusing; leaving it to its lease`,
              { id: r.job.id, error },
            );
            r.detach();
            return undefined;
          }
          if (!r.writable) return undefined;
          await sleep(storeRetryDelay(failures));
          if (!r.writable) return undefined;
        }
      }
    } finally {
      if (failures > 0 && --this.#failing === 0) {
        this.#log.info("writes land again; fetching resumes");
        this.#landed.wakeAll();
      }
    }
  }

  /** Logs that the store refused a write for `job` because its lease is gone. */
  refused(job: LeasedJob, action: string): void {
    this.#log.warn("write refused: lease lost", {
      id: job.id,
      error: new LeaseLostError(job.id, action),
    });
    this.#events.emit("leaseLost", jobEventFields(job, job.attempts));
  }
}
