/**
 * The fetch loops: each queue's lanes lease jobs as slots free up, their
 * fetches riding with the lane's acks, and hand them to the job runner.
 *
 * @module
 */

import { leaseToken } from "../core/lease_token.ts";
import type { Backend, FetchResult } from "../backend/backend.ts";
import type { LeasedJob } from "../core/job.ts";
import { setImmediate } from "node:timers";
import { storeRetryDelay } from "../core/backoff.ts";
import { sleep } from "../core/sleep.ts";
import { GAVE_UP, unlessAborted } from "../core/settle.ts";
import type { Logger } from "../log.ts";
import { type Lane, newLane } from "./lane.ts";
import type { Slots } from "./slots.ts";
import type { ResolvedWorkerOptions } from "./worker_options.ts";
import type { StoreWriter } from "./store_writer.ts";
import { WakeList } from "./wake_list.ts";

/** How many fetch loops (lanes) a queue gets, at a concurrency of at least 4. */
const LANES = 2;

/** What the {@linkcode FetchLoops} work with; the worker makes them when it starts running. */
export interface FetchContext {
  backend: Backend;
  log: Logger;
  opts: ResolvedWorkerOptions;
  /** The worker's slots, shared by the lanes of every queue. */
  slots: Slots;
  /** Aborts when the worker stops: the loops end. */
  signal: AbortSignal;
  /** Runs a leased job, which holds one slot (of the worker and of its lane). */
  start(job: LeasedJob, lane: Lane): void;
  /** The writes for leased jobs: while any is being retried, nothing new is leased. */
  writer: StoreWriter;
  /** The worker's registered id, the first part of its lease tokens (see `lease_token.ts`). */
  workerId: string;
  /** Per queue, the largest `groupConcurrency` of the worker's actors on it (absent: none). */
  groupConcurrency?: ReadonlyMap<string, number>;
}

/** The fetch loops of a worker, two lanes per queue when the concurrency allows. */
export class FetchLoops {
  readonly #backend: Backend;
  readonly #log: Logger;
  readonly #opts: ResolvedWorkerOptions;
  readonly #slots: Slots;
  readonly #signal: AbortSignal;
  readonly #start: (job: LeasedJob, lane: Lane) => void;
  readonly #writer: StoreWriter;
  readonly #groupConcurrency: ReadonlyMap<string, number>;
  readonly #workerId: string;
  #tokenSeq = 0;
  /** Fetches still in flight when the worker began to stop; their jobs are handed back. */
  readonly #lateFetches = new Set<Promise<unknown>>();
  /** Jobs leased by those fetches, to hand back. */
  #lateJobs: LeasedJob[] = [];

  /** @param context What the loops work with. */
  constructor(context: FetchContext) {
    this.#backend = context.backend;
    this.#log = context.log;
    this.#opts = context.opts;
    this.#slots = context.slots;
    this.#signal = context.signal;
    this.#start = context.start;
    this.#writer = context.writer;
    this.#workerId = context.workerId;
    this.#groupConcurrency = context.groupConcurrency ?? new Map();
  }

  /** Starts the lanes of `queues`; each promise resolves when its loop has ended. */
  run(queues: string[]): Promise<void>[] {
    const lanes = this.#opts.concurrency >= 4 ? LANES : 1;
    const share = Math.ceil(this.#opts.concurrency / lanes);
    return queues.flatMap((q) =>
      Array.from(
        { length: lanes },
        (_, index) => this.#fetchLoop(newLane(this.#backend, q, index, share)),
      )
    );
  }

  /** The fetches the loops stopped waiting for when the worker began to stop. */
  get lateFetches(): Promise<unknown>[] {
    return [...this.#lateFetches];
  }

  /** Takes the jobs that those fetches leased (to hand them back). */
  takeLateJobs(): LeasedJob[] {
    const jobs = this.#lateJobs;
    this.#lateJobs = [];
    return jobs;
  }

  /** Tracks a fetch the loop stopped waiting for, so that its jobs are handed back on stop. */
  #keepLate(fetching: Promise<FetchResult | null>): void {
    const late: Promise<unknown> = fetching.then(
      (fetched) => {
        if (fetched) this.#lateJobs.push(...fetched.jobs);
      },
      () => {},
    ).finally(() => this.#lateFetches.delete(late));
    this.#lateFetches.add(late);
  }

  async #fetchLoop(lane: Lane): Promise<void> {
    const { queue } = lane;
    const signal = this.#signal;
    const slots = this.#slots!;
    let failures = 0;
    while (!signal.aborted) {
      await lane.slots.waitFree(signal);
      await slots.waitFree(signal);
      // While the store refuses writes for leased jobs (Redis out of memory, say), lease nothing new.
      await this.#writer.writesLanded(signal);
      if (signal.aborted) break;
      // Reserve the slots during the round trip: the loops of the other queues share them.
      let reserved = 0;
      const reserve = () => {
        reserved = signal.aborted ? 0 : Math.min(slots.free, lane.slots.free);
        slots.take(reserved);
        lane.slots.take(reserved);
        return reserved;
      };
      const unreserve = (n: number) => {
        slots.release(n);
        lane.slots.release(n);
      };
      try {
        const token = leaseToken(this.#workerId, ++this.#tokenSeq);
        const { leaseMs, maxStalls } = this.#opts;
        const groupConcurrency = this.#groupConcurrency.get(queue) ?? 0;
        const acks = lane.acks;
        // Jobs of this lane just finished and their acks go out at the end of
        // this turn: lease the next jobs in the same round trip, as many as
        // slots are free by then (all those the finished jobs gave back).
        const fetching = acks.canRide
          ? acks.ride(() => {
            const max = reserve();
            return max > 0 ? { max, leaseMs, token, maxStalls, groupConcurrency } : null;
          })
          : this.#backend.fetch(queue, reserve(), leaseMs, token, maxStalls, groupConcurrency);
        // A store that does not answer (an outage) must not hold the loop past a stop.
        const fetched = await unlessAborted(fetching, signal);
        if (fetched === GAVE_UP) {
          this.#keepLate(fetching);
          break;
        }
        if (fetched === null) continue;
        const want = reserved;
        const { jobs, wakeInMs } = fetched;
        unreserve(want - jobs.length); // each fetched job keeps one reserved slot
        reserved = 0;
        if (failures > 0) this.#log.info("store reachable again", { queue });
        failures = 0;
        for (const job of jobs) this.#start(job, lane);
        // A full batch (there may be more), or this lane is now full (it cannot
        // wait for work): let the idle lanes of the queue fetch.
        if (want > 0 && (jobs.length === want || lane.slots.free === 0)) {
          this.#wakeLanes(queue);
        }
        if (jobs.length < want && !signal.aborted) {
          // Drained. Jobs that finish at once are acked (at the end of this
          // turn) before the blocking read is sent, not held up by it.
          if (jobs.length > 0) await nextTurn();
          if (!this.#claimWaiting(queue, lane)) {
            // Another lane of the queue waits on the store: wait for it.
            await this.#laneWake(queue, signal);
            continue;
          }
          const wait = wakeInMs < 0
            ? this.#opts.idleMs
            : Math.min(this.#opts.idleMs, Math.max(10, wakeInMs + 2));
          try {
            await this.#backend.waitForWork(queue, wait, signal);
          } finally {
            this.#unclaimWaiting(queue, lane);
          }
        }
      } catch (error) {
        unreserve(reserved);
        reserved = 0;
        if (signal.aborted) break;
        failures++;
        if (failures === 1) {
          this.#log.warn("cannot fetch jobs, retrying", { queue, error });
        }
        await sleep(storeRetryDelay(failures), signal);
      }
    }
    this.#unclaimWaiting(queue, lane);
  }

  /** The lane of each queue that waits on the store for work; the others wait for it. */
  readonly #waitingLane = new Map<string, Lane>();
  /** Lanes of a queue waiting for the lane that waits on the store. */
  readonly #laneWaits = new Map<string, WakeList>();

  /** Makes `lane` the one that waits on the store for `queue`, unless another lane is. */
  #claimWaiting(queue: string, lane: Lane): boolean {
    const current = this.#waitingLane.get(queue);
    if (current !== undefined && current !== lane) return false;
    this.#waitingLane.set(queue, lane);
    return true;
  }

  #unclaimWaiting(queue: string, lane: Lane): void {
    if (this.#waitingLane.get(queue) === lane) this.#waitingLane.delete(queue);
  }

  #wakeLanes(queue: string): void {
    this.#laneWaits.get(queue)?.wakeAll();
  }

  #laneWake(queue: string, signal: AbortSignal): Promise<void> {
    let waiting = this.#laneWaits.get(queue);
    if (!waiting) this.#laneWaits.set(queue, waiting = new WakeList());
    return waiting.wait(signal);
  }
}

/** Resolves after the `setImmediate` callbacks queued in this turn of the event loop have run. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
