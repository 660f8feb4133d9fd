/**
 * A job leased by this worker, from its fetch until its ack is stored or
 * its lease is gone.
 *
 * @module
 */

import type { LeasedJob } from "../core/job.ts";
import type { Lane } from "./lane.ts";

/** A job leased by this worker. */
export interface Running {
  job: LeasedJob;
  /** Aborts the job's run (lease lost, shutdown); made when first used. */
  readonly controller: AbortController;
  /** Set when the lease was handed back or lost: no more writes for this job. */
  detached: boolean;
  /** Whether the job still holds a concurrency slot (freed once it has run, before its ack). */
  slotHeld: boolean;
  /** Set once the job has run and its ack is being written. */
  acking: boolean;
  /** The fetch loop (lane) that leased it: its ack rides with that lane's next fetch. */
  lane: Lane;
  done: Promise<void>;
}

/** The jobs of `jobs` grouped by queue. */
export function groupByQueue(jobs: LeasedJob[]): Map<string, LeasedJob[]> {
  const map = new Map<string, LeasedJob[]>();
  for (const j of jobs) {
    const list = map.get(j.queue);
    if (list) list.push(j);
    else map.set(j.queue, [j]);
  }
  return map;
}
