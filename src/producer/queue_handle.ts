/**
 * The handle on one queue of a producer's store ({@linkcode QueueHandle}),
 * made by `producer.queue(name)` without any I/O: the operating actions on
 * the queue as a whole.
 *
 * @module
 */

import type { Backend } from "../backend/backend.ts";

/**
 * A handle on a queue, for operating it: pause and resume it, see whether it
 * is paused. Made by `producer.queue(name)`; making one does no I/O.
 *
 * @example Pausing a queue during an incident
 * ```ts
 * import { Repid } from "@repid/repid";
 *
 * const producer = new Repid("memory://");
 * const q = producer.queue("emails");
 * await q.pause(); // no worker starts a job of "emails" from now on
 * console.log(await q.isPaused()); // true
 * await q.resume(); // idle workers fetch at once
 * await producer.close();
 * ```
 */
export class QueueHandle {
  /** The queue's name. */
  readonly name: string;
  readonly #backend: Backend;
  readonly #assertOpen: (action: string) => void;

  /** @ignore */
  constructor(name: string, backend: Backend, assertOpen: (action: string) => void) {
    this.name = name;
    this.#backend = backend;
    this.#assertOpen = assertOpen;
  }

  /**
   * Pauses the queue: once this resolves, no worker in any process starts a
   * new job of it until {@linkcode QueueHandle.resume}. Jobs already running
   * finish; enqueueing into the paused queue works (the jobs wait). The pause
   * is stored with the queue, so it holds across worker restarts.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.queue("emails").pause();
   * await producer.enqueueJob("send_email", { queue: "emails" }); // waits for resume()
   * await producer.close();
   * ```
   *
   * @returns `true` when the queue was running and is paused now, `false` when it was already paused.
   */
  async pause(): Promise<boolean> {
    this.#assertOpen("pause queue");
    return await this.#backend.pauseQueue(this.name);
  }

  /**
   * Resumes a paused queue: idle workers of the queue are woken at once (no
   * wait for their next poll) and take its waiting jobs.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const q = producer.queue("emails");
   * await q.pause();
   * console.log(await q.resume()); // true
   * await producer.close();
   * ```
   *
   * @returns `true` when the queue was paused and runs now, `false` when it was not paused.
   */
  async resume(): Promise<boolean> {
    this.#assertOpen("resume queue");
    return await this.#backend.resumeQueue(this.name);
  }

  /**
   * Whether the queue is paused.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * console.log(await producer.queue("emails").isPaused()); // false
   * await producer.close();
   * ```
   */
  async isPaused(): Promise<boolean> {
    this.#assertOpen("read queue");
    return await this.#backend.isQueuePaused(this.name);
  }
}
