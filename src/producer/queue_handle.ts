/**
 * A handle on one queue, from `producer.queue(name)`: its flow limits (rate
 * limit, group limits), set for every worker at once.
 *
 * @module
 */

import type { Backend, FlowLimits } from "../backend/backend.ts";
import {
  assertGroupLimits,
  assertRateLimit,
  type GroupLimits,
  type RateLimit,
} from "../core/flow.ts";
import { ProducerClosedError } from "../errors.ts";

/**
 * One queue of a producer's store. Making a handle does no I/O; each method
 * is one call to the store.
 *
 * @example
 * ```ts
 * import { Repid } from "@repid/repid";
 *
 * const producer = new Repid("memory://");
 * const q = producer.queue("emails");
 * await q.setRateLimit({ max: 100, perMs: 1_000 });
 * console.log(await q.flowLimits()); // { rate: { max: 100, perMs: 1000 }, groups: {} }
 * await producer.close();
 * ```
 */
export class QueueHandle {
  /** The queue's name. */
  readonly name: string;
  readonly #backend: Backend;
  readonly #closed: () => boolean;

  /**
   * Made by `producer.queue(name)`.
   *
   * @param backend The producer's store.
   * @param name The queue (already validated).
   * @param closed Whether the producer was closed.
   */
  constructor(backend: Backend, name: string, closed: () => boolean) {
    this.#backend = backend;
    this.name = name;
    this.#closed = closed;
  }

  /**
   * Limits how many jobs of the queue start, across every worker: at most
   * `max` in any window of `perMs` milliseconds; `null` removes the limit.
   * Takes effect at the next fetch of every worker (idle workers are woken).
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.queue("emails").setRateLimit({ max: 10, perMs: 1_000 });
   * await producer.queue("emails").setRateLimit(null); // no limit
   * await producer.close();
   * ```
   *
   * @throws {TypeError | RangeError} When `limit` is not `null` or `{ max, perMs }` of positive integers.
   */
  async setRateLimit(limit: RateLimit | null): Promise<void> {
    const action = `Cannot set the rate limit of queue "${this.name}"`;
    const rate = limit === null ? null : assertRateLimit(limit, "limit", action);
    await this.#store(action).setFlowLimits!(this.name, { rate });
  }

  /**
   * Sets the limits of the queue's groups (each group on its own, across
   * every worker): `concurrency` (at most that many of a group's jobs run at
   * once) and `rate` (at most `max` of a group's jobs start per `perMs`). A
   * limit not given is removed; `concurrency` then falls back to the
   * actors' `groupConcurrency`.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.queue("sync").setGroupLimits({ concurrency: 2, rate: { max: 10, perMs: 1_000 } });
   * await producer.close();
   * ```
   *
   * @throws {TypeError | RangeError} When a limit is not a positive integer.
   */
  async setGroupLimits(limits: GroupLimits): Promise<void> {
    const action = `Cannot set the group limits of queue "${this.name}"`;
    const checked = assertGroupLimits(limits, action);
    await this.#store(action).setFlowLimits!(this.name, {
      groups: { concurrency: checked.concurrency ?? null, rate: checked.rate ?? null },
    });
  }

  /**
   * The queue's flow limits as stored (`rate: null`: no rate limit).
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * console.log(await producer.queue("emails").flowLimits()); // { rate: null, groups: {} }
   * await producer.close();
   * ```
   */
  flowLimits(): Promise<FlowLimits> {
    try {
      return this.#store(`Cannot read the flow limits of queue "${this.name}"`).getFlowLimits!(
        this.name,
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The store, once checked that it is open and has flow limits. */
  #store(action: string): Required<Pick<Backend, "setFlowLimits" | "getFlowLimits">> {
    if (this.#closed()) throw new ProducerClosedError(action);
    const b = this.#backend;
    if (!b.setFlowLimits || !b.getFlowLimits) {
      throw new TypeError(`${action}: the store has no flow limits`);
    }
    return b as Required<Pick<Backend, "setFlowLimits" | "getFlowLimits">>;
  }
}
