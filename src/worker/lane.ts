/**
 * A fetch loop of one queue (a lane), with its share of the slots and the
 * batch of acks its next fetch rides with.
 *
 * @module
 */

import type { Backend, FetchRequest, FetchResult } from "../backend/backend.ts";
import type { Completion } from "../core/job.ts";
import { Batcher } from "./batcher.ts";
import { Slots } from "./slots.ts";

/**
 * One of a queue's fetch loops. A queue gets two when the concurrency allows:
 * while one lane's acks and next fetch are in flight, the other lane's jobs
 * run, so the worker does not sit idle for a round trip between batches.
 * When the queue is drained, one lane waits on the store for work and the
 * others wait for it to find a full batch (or to fill up).
 */
export interface Lane {
  /** The queue the lane fetches from. */
  readonly queue: string;
  /** The lane's number (0, 1, …). */
  readonly index: number;
  /** The slots of this lane (a share of the worker's). */
  readonly slots: Slots;
  /** The acks of the jobs this lane leased, with which its next fetch may ride. */
  readonly acks: AckBatcher;
}

/** The acks of one lane, with which the lane's next fetch may ride. */
export type AckBatcher = Batcher<Completion, boolean, FetchRequest, FetchResult>;

/** Makes lane number `index` of `queue`, with `share` slots. */
export function newLane(backend: Backend, queue: string, index: number, share: number): Lane {
  return { queue, index, slots: new Slots(share), acks: ackBatcher(backend, queue) };
}

/** A batcher of the acks of `queue`, whose fetches ride with them when the store can. */
function ackBatcher(backend: Backend, queue: string): AckBatcher {
  return new Batcher(
    (items) => backend.complete(queue, items),
    backend.completeAndFetch && (async (items, request) => {
      const { acked, fetched } = await backend.completeAndFetch!(queue, items, request);
      return [acked, fetched];
    }),
  );
}
