/**
 * The fetch loops: a worker's lanes lease jobs as slots free up, each fetch
 * from the next queue that may have work (in turn), riding with the lane's
 * acks of that queue, and hand them to the job runner. A queue found drained
 * is watched (the store's wait for work) until it may have work again.
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
import type { WorkerEvents } from "./worker_events.ts";

/** How many fetch loops (lanes) a worker gets, at a concurrency of at least 4. */
const LANES = 2;

/**
 * How many fetches in a row a lane may make from one queue, riding with
 * that queue's acks, while other queues wait their turn: a fetch that rides
 * saves a round trip, a turn bounds how long the other queues wait.
 */
const RIDES_PER_TURN = 4;

/**
 * Up to this many queues, a worker waits for the work of each drained queue
 * with a blocking read of its own (one connection per queue, and one idle
 * worker woken per job). Past it, when the store can, it listens to the
 * wake-ups of all its queues at once (`Backend.watchWork`: one connection
 * per master, every idle worker of a queue woken), so that the connections
 * stay bounded however many queues it serves.
 */
export const BLOCKING_QUEUES_MAX = 8;

/** What the {@linkcode FetchLoops} work with; the worker makes them when it starts running. */
export interface FetchContext {
  backend: Backend;
  log: Logger;
  opts: ResolvedWorkerOptions;
  /** The worker's slots, shared by its lanes. */
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
  /** Where failed fetches are reported (`error`). */
  events: WorkerEvents;
}

/**
 * The fetch loops of a worker: two lanes when the concurrency allows, shared
 * by all its queues. The queues that may have work are served in turn, so a
 * worker of many queues fetches batches as large as a worker of one (a lane
 * per queue would split the free slots into small fetches); each drained
 * queue is waited on by the store until work arrives or its next deferred
 * job or lease expiry falls due.
 */
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
  readonly #events: WorkerEvents;
  #tokenSeq = 0;
  /** Fetches still in flight when the worker began to stop; their jobs are handed back. */
  readonly #lateFetches = new Set<Promise<unknown>>();
  /** Jobs leased by those fetches, to hand back. */
  #lateJobs: LeasedJob[] = [];
  /** The queues that may have work, in the order the lanes take them (taken: to the end). */
  readonly #ready = new Set<string>();
  /** The drained queues being waited on (the store's wait for work). */
  readonly #watched = new Set<string>();
  /** Lanes waiting for a queue to become ready. */
  readonly #readyWake = new WakeList();
  /** Each lane's last queue, and how many fetches in a row rode with its acks. */
  readonly #lastQueue = new Map<Lane, { queue: string; rides: number }>();
  /** `"on"` once the store's wake-ups of the queues are watched (past {@linkcode BLOCKING_QUEUES_MAX}). */
  #wakes: "off" | "starting" | "on" = "off";
  /** Wake-ups seen per queue, and for all queues (a gap): a fetch compares them before and after. */
  readonly #wakeCount = new Map<string, number>();
  #gaps = 0;
  /** With wake-ups: ends the wait of a drained queue at once. */
  readonly #waitEnds = new Map<string, () => void>();
  /** Failed fetches in a row, per queue (0: the last one answered). */
  readonly #failures = new Map<string, number>();

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
    this.#events = context.events;
  }

  /** Whether the last fetch of every queue reached the store. */
  get fetching(): boolean {
    return this.#failures.size === 0;
  }

  /** Starts the lanes, serving `queues`; each promise resolves when its loop has ended. */
  run(queues: string[]): Promise<void>[] {
    for (const q of queues) this.#ready.add(q);
    // The first fetches wait until the wake-ups are watched (or that failed once), so that
    // no queue drained meanwhile opens a blocking connection of its own.
    const watching = queues.length > BLOCKING_QUEUES_MAX && this.#backend.watchWork
      ? this.#watchWakes(queues)
      : undefined;
    const lanes = this.#opts.concurrency >= 4 ? LANES : 1;
    const share = Math.ceil(this.#opts.concurrency / lanes);
    return Array.from({ length: lanes }, async (_, index) => {
      await watching;
      await this.#fetchLoop(newLane(this.#backend, index, share));
    });
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

  /** The next queue that may have work, moved to the end of the turn; `undefined`: none. */
  #nextQueue(): string | undefined {
    const [queue] = this.#ready;
    if (queue === undefined) return undefined;
    this.#ready.delete(queue);
    this.#ready.add(queue);
    return queue;
  }

  /** The queue `lane` fetches from next: its last one while its acks can ride, within a turn. */
  #pick(lane: Lane): string | undefined {
    const last = this.#lastQueue.get(lane);
    if (
      last !== undefined && last.rides < RIDES_PER_TURN && this.#ready.has(last.queue) &&
      lane.acksFor(last.queue).canRide
    ) {
      last.rides++;
      return last.queue;
    }
    const queue = this.#nextQueue();
    if (queue !== undefined) this.#lastQueue.set(lane, { queue, rides: 0 });
    return queue;
  }

  /**
   * `queue` may have work: the lanes take it in turn. `more`: it gave a full
   * batch, so every idle lane may help; else (a drained queue's wait ended: it
   * may hold a single job) one idle lane is woken, so that one wake-up costs
   * one fetch, not one per lane.
   */
  #markReady(queue: string, more = false): void {
    if (this.#signal.aborted) return;
    // (a full batch wakes the idle lanes even when the queue is in turn already: the lane
    // that took it may have no free slot left for the rest)
    if (more) {
      this.#ready.add(queue);
      this.#readyWake.wakeAll();
      return;
    }
    if (this.#ready.has(queue)) return;
    this.#ready.add(queue);
    this.#readyWake.wakeOne();
  }

  async #fetchLoop(lane: Lane): Promise<void> {
    const signal = this.#signal;
    const slots = this.#slots!;
    while (!signal.aborted) {
      await lane.slots.waitFree(signal);
      await slots.waitFree(signal);
      // While the store refuses writes for leased jobs (Redis out of memory, say), lease nothing new.
      await this.#writer.writesLanded(signal);
      if (signal.aborted) break;
      const queue = this.#pick(lane);
      if (queue === undefined) {
        await this.#readyWake.wait(signal);
        continue;
      }
      // Reserve the slots during the round trip: the other lane shares them.
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
      const wakesBefore = this.#wakesOf(queue);
      try {
        const token = leaseToken(this.#workerId, ++this.#tokenSeq);
        const { leaseMs, maxStalls } = this.#opts;
        const groupConcurrency = this.#groupConcurrency.get(queue) ?? 0;
        const acks = lane.acksFor(queue);
        // Jobs of this lane and queue just finished and their acks go out at
        // the end of this turn: lease the next jobs in the same round trip, as
        // many as slots are free by then (all those the finished jobs gave back).
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
        if ((this.#failures.get(queue) ?? 0) > 0) {
          this.#log.info("store reachable again", { queue });
          this.#failures.delete(queue);
        }
        for (const job of jobs) this.#start(job, lane);
        // A full batch: there may be more (the queue stays in turn). Fewer:
        // drained; it is waited on until it may have work again.
        if (want > 0 && jobs.length === want) this.#markReady(queue, true);
        else if (jobs.length < want) {
          this.#drained(queue, wakeInMs, jobs.length > 0, wakesBefore);
        }
      } catch (error) {
        unreserve(reserved);
        reserved = 0;
        if (signal.aborted) break;
        this.#fetchFailed(queue, error);
      }
    }
  }

  /** A fetch of `queue` failed: the queue is tried again after a backoff; the others go on. */
  #fetchFailed(queue: string, error: unknown): void {
    const failures = (this.#failures.get(queue) ?? 0) + 1;
    this.#failures.set(queue, failures);
    this.#events.emit("error", { kind: "store", action: "fetch jobs", error, queue });
    if (failures === 1) this.#log.warn("cannot fetch jobs, retrying", { queue, error });
    this.#ready.delete(queue);
    void sleep(storeRetryDelay(failures), this.#signal).then(() => this.#markReady(queue));
  }

  /**
   * `queue` gave fewer jobs than asked: it leaves the turn and is waited on
   * (at most `idleMs`, or until its next deferred job or lease expiry, in
   * `wakeInMs`, falls due), unless it already is.
   */
  #drained(queue: string, wakeInMs: number, fetchedSome: boolean, wakesBefore: number): void {
    this.#ready.delete(queue);
    if (this.#watched.has(queue)) return;
    if (this.#wakes === "on" && this.#wakesOf(queue) !== wakesBefore) {
      // Work arrived (or a wake-up may have been missed) while the fetch was in flight.
      this.#markReady(queue);
      return;
    }
    this.#watched.add(queue);
    const wait = wakeInMs < 0
      ? this.#opts.idleMs
      : Math.min(this.#opts.idleMs, Math.max(10, wakeInMs + 2));
    const signal = this.#signal;
    void (async () => {
      try {
        // Jobs that finish at once are acked (at the end of this turn) before
        // the wait is sent, not held up by it.
        if (this.#wakes === "on") await this.#wakeOrTimeout(queue, wait);
        else {
          if (fetchedSome) await nextTurn();
          await this.#backend.waitForWork(queue, wait, signal);
        }
      } catch {
        // The store cannot be reached: the fetch reports it and backs off.
      } finally {
        this.#watched.delete(queue);
        this.#markReady(queue);
      }
    })();
  }

  /** Wake-ups seen for `queue` so far, gaps included. */
  #wakesOf(queue: string): number {
    return (this.#wakeCount.get(queue) ?? 0) + this.#gaps;
  }

  /**
   * Watches the wake-ups of `queues`, tried again after a backoff until it
   * works or the stop; resolves once watching, or after the first failure
   * (the queues are waited on one by one meanwhile).
   */
  #watchWakes(queues: string[]): Promise<void> {
    return new Promise((resolve) => void this.#keepWatching(queues, resolve).finally(resolve));
  }

  async #keepWatching(queues: string[], started: () => void): Promise<void> {
    const signal = this.#signal;
    this.#wakes = "starting";
    for (let failures = 1; !signal.aborted; failures++) {
      try {
        const unwatch = await this.#backend.watchWork!(
          queues,
          (queue) => {
            this.#wakeCount.set(queue, (this.#wakeCount.get(queue) ?? 0) + 1);
            this.#waitEnds.get(queue)?.();
          },
          () => {
            this.#gaps++;
            for (const end of [...this.#waitEnds.values()]) end();
          },
        );
        if (signal.aborted) return void unwatch().catch(() => {});
        signal.addEventListener("abort", () => void unwatch().catch(() => {}), { once: true });
        this.#wakes = "on"; // the queues waited on with blocking reads finish those first
        return started();
      } catch (error) {
        started();
        if (failures === 1) {
          this.#log.warn("cannot watch the queues for work; waiting on each queue meanwhile", {
            error,
          });
        }
        await sleep(storeRetryDelay(failures), signal);
      }
    }
  }

  /** With wake-ups: resolves at `queue`'s next wake-up (or gap), after `ms`, or at the stop. */
  #wakeOrTimeout(queue: string, ms: number): Promise<void> {
    const signal = this.#signal;
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", end);
        if (this.#waitEnds.get(queue) === end) this.#waitEnds.delete(queue);
        resolve();
      };
      const timer = setTimeout(end, ms);
      signal.addEventListener("abort", end, { once: true });
      this.#waitEnds.set(queue, end);
    });
  }
}

/** Resolves after the `setImmediate` callbacks queued in this turn of the event loop have run. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
