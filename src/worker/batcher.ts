/**
 * Collects calls made in the same turn of the event loop into one batch, so
 * that jobs that finish together are acked in one round trip; a request (the
 * next fetch) may ride along with the batch in the same round trip.
 *
 * The batch is flushed with `setImmediate` (after the I/O callbacks of the
 * current turn), not `setTimeout(0)`: a zero timeout is clamped to 1 ms or
 * more, which added that much to every job's latency.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { type Deferred, deferred } from "../core/sleep.ts";

/**
 * Batches items and hands each caller its own answer.
 *
 * @typeParam I An item.
 * @typeParam O The answer for one item.
 * @typeParam Q A request that may ride along with a batch.
 * @typeParam R The answer to that request.
 */
export class Batcher<I, O, Q = never, R = never> {
  #items: I[] = [];
  /** The answers of the batch being collected: one promise per batch, not one per item. */
  #answers: Deferred<O[]> | undefined;
  #rider: { request: () => Q | null; answer: Deferred<R | null> } | undefined;

  /**
   * @param flush Runs one batch; returns one answer per item, in order.
   * @param flushWith Runs one batch and a riding request in one go.
   */
  constructor(
    readonly flush: (items: I[]) => Promise<O[]>,
    readonly flushWith?: (items: I[], request: Q) => Promise<[O[], R]>,
  ) {}

  /** Adds an item to the next batch; resolves with its answer. */
  add(item: I): Promise<O> {
    const at = this.push(item);
    return this.answers.then((out) => out[at]);
  }

  /**
   * Adds an item to the next batch and returns its index in the batch's
   * answers: `(await batcher.answers)[index]`, read right after this call.
   * Cheaper than {@linkcode Batcher.add} (no promise nor closure of its own),
   * for a caller that adds one item per job.
   */
  push(item: I): number {
    if (!this.#answers) {
      this.#answers = deferred<O[]>();
      setImmediate(() => void this.#run());
    }
    return this.#items.push(item) - 1;
  }

  /** The answers of the batch being collected, one per item, in order (see {@linkcode Batcher.push}). */
  get answers(): Promise<O[]> {
    if (!this.#answers) throw new Error("Batcher.answers: no batch is being collected");
    return this.#answers.promise;
  }

  /** Whether a batch waits to be flushed and a request can still ride along with it. */
  get canRide(): boolean {
    return this.#answers !== undefined && this.flushWith !== undefined && this.#rider === undefined;
  }

  /**
   * Sends a request with the next batch (check `canRide` first). `request` is
   * called when the batch is flushed, so it sees the state of that moment; it
   * may return `null` to send nothing, and then this resolves with `null`.
   */
  ride(request: () => Q | null): Promise<R | null> {
    if (!this.canRide) throw new Error("Batcher.ride: no batch to ride along with");
    const answer = deferred<R | null>();
    this.#rider = { request, answer };
    return answer.promise;
  }

  async #run(): Promise<void> {
    const items = this.#items;
    const answers = this.#answers!;
    const rider = this.#rider;
    this.#items = [];
    this.#answers = undefined;
    this.#rider = undefined;
    let request: Q | null = null;
    try {
      request = rider ? rider.request() : null;
    } catch (error) {
      rider?.answer.reject(error);
    }
    if (rider && request === null) rider.answer.resolve(null);
    try {
      if (request !== null) {
        const [out, answer] = await this.flushWith!(items, request);
        answers.resolve(out);
        rider!.answer.resolve(answer);
      } else {
        answers.resolve(await this.flush(items));
      }
    } catch (error) {
      answers.reject(error);
      if (request !== null) rider!.answer.reject(error);
    }
  }
}
