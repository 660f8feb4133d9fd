/**
 * A fetch loop of a worker (a lane), with its share of the slots and the
 * batches of acks its next fetch rides with.
 *
 * @module
 */

import type { Backend, FetchRequest, FetchResult } from "../backend/backend.ts";
import type { Completion } from "../core/job.ts";
import { Batcher } from "./batcher.ts";
import { Slots } from "./slots.ts";

/**
 * One of a worker's fetch loops. A worker gets two when the concurrency
 * allows: while one lane's acks and next fetch are in flight, the other
 * lane's jobs run, so the worker does not sit idle for a round trip between
 * batches. Each fetch of a lane goes to the next queue that may have work,
 * in turn, so that every fetch asks for as many jobs as the lane has free
 * slots, however many queues the worker serves.
 */
export interface Lane {
  /** The lane's number (0, 1, …). */
  readonly index: number;
  /** The slots of this lane (a share of the worker's). */
  readonly slots: Slots;
  /** The acks of the jobs this lane leased from `queue`, with which a fetch of `queue` may ride. */
  acksFor(queue: string): AckBatcher;
}

/** The acks of one lane and queue, with which the lane's next fetch of that queue may ride. */
export type AckBatcher = Batcher<Completion, boolean, FetchRequest, FetchResult>;

/** Makes lane number `index`, with `share` slots. */
export function newLane(backend: Backend, index: number, share: number): Lane {
  const acks = new Map<string, AckBatcher>();
  return {
    index,
    slots: new Slots(share),
    acksFor(queue) {
      let batcher = acks.get(queue);
      if (!batcher) acks.set(queue, batcher = ackBatcher(backend, queue));
      return batcher;
    },
  };
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
