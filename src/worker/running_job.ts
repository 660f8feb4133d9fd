/**
 * A job leased by this worker, from its fetch until its run has ended, and
 * the one state it is in.
 *
 * ```text
 *             startAck()              end()
 *   running ──────────────▶ acking ─────────▶ ended
 *      │                      │                 ▲
 *      │ detach()             │ detach()        │
 *      ▼                      └─────────────────┤
 *   detached ───────────────────────────────────┘ end()
 *   (running ── end() ──▶ ended: no ack, e.g. requeued or dead-lettered)
 * ```
 *
 * @module
 */

import type { LeasedJob } from "../core/job.ts";
import type { Lane } from "./lane.ts";
import type { ProgressReporter } from "./progress_reporter.ts";

/**
 * The state of a job leased here:
 * - `running`: it holds a slot; its lease is renewed; its writes go to the store.
 * - `acking`: it has run and gave its slot back (so the next fetch rides with
 *   its ack); its ack is being written; its lease is still renewed, but a lost
 *   lease is left to the ack's reply.
 * - `detached`: its lease is gone (lost, handed back, or the store keeps
 *   refusing its writes) while its run still holds its slot: no more writes,
 *   no renewal; the slot is freed when the run returns.
 * - `ended`: nothing of it is held here any more (no slot, no writes).
 */
export type RunState = "running" | "acking" | "detached" | "ended";

/** The moves allowed out of each state. */
const NEXT: Readonly<Record<RunState, readonly RunState[]>> = {
  running: ["acking", "detached", "ended"],
  acking: ["ended"],
  detached: ["ended"],
  ended: [],
};

/** The states in which a job holds one of the worker's slots. */
const HOLDS_SLOT: ReadonlySet<RunState> = new Set(["running", "detached"]);

/** `done` until the job runner sets it: one resolved promise for all, not one per job. */
const RESOLVED: Promise<void> = Promise.resolve();

/** A job leased by this worker, in one {@linkcode RunState} at a time. */
export class RunningJob {
  /** The leased job. */
  readonly job: LeasedJob;
  /** The fetch loop (lane) that leased it: its ack rides with that lane's next fetch. */
  readonly lane: Lane;
  /** Resolves when the run has ended (set by the job runner). */
  done: Promise<void> = RESOLVED;
  /** The job's progress reports, once the actor made one. */
  progress: ProgressReporter | undefined;
  /** Its key among the jobs the lease keeper holds (set by the keeper, which made it). */
  runKey: string | undefined;
  /** Set when the job was cancelled (`job.cancel()`) while leased here: the store refuses its writes. */
  cancelled = false;
  #state: RunState = "running";
  #controller: AbortController | undefined;
  readonly #releaseSlot: () => void;

  /**
   * @param job The leased job, which holds one slot from its fetch on.
   * @param lane The lane that leased it.
   * @param releaseSlot Gives the job's slot back (called once, when it leaves
   *   the states that hold one).
   */
  constructor(job: LeasedJob, lane: Lane, releaseSlot: () => void) {
    this.job = job;
    this.lane = lane;
    this.#releaseSlot = releaseSlot;
  }

  /** The state the job is in. */
  get state(): RunState {
    return this.#state;
  }

  /** Whether the job's writes still go to the store (and its lease is renewed). */
  get writable(): boolean {
    return this.#state === "running" || this.#state === "acking";
  }

  /** Aborts the job's run (lease lost, shutdown); made when first used (most jobs never do). */
  get controller(): AbortController {
    return this.#controller ??= new AbortController();
  }

  /** `running` → `acking`: the job has run; its slot is given back before its ack is written. */
  startAck(): void {
    this.#move("acking");
  }

  /**
   * The lease is gone: `running` → `detached` (the run keeps its slot until it
   * returns) or `acking` → `ended`. Does nothing once detached or ended.
   */
  detach(): void {
    if (this.#state === "running") this.#move("detached");
    else if (this.#state === "acking") this.#move("ended");
  }

  /** The run has returned: → `ended` (its slot, if still held, is given back). */
  end(): void {
    if (this.#state !== "ended") this.#move("ended");
  }

  #move(to: RunState): void {
    const from = this.#state;
    if (!NEXT[from].includes(to)) {
      throw new Error(`Job "${this.job.id}" cannot move from ${from} to ${to}`);
    }
    this.#state = to;
    if (HOLDS_SLOT.has(from) && !HOLDS_SLOT.has(to)) this.#releaseSlot();
  }
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
