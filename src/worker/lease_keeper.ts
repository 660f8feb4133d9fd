/**
 * The lease keeper: the jobs this worker leased, their leases renewed while
 * they run, and the end of a run whose lease is gone (lost, handed back, or
 * a job aborted).
 *
 * @module
 */

import type { Backend } from "../backend/backend.ts";
import { JobCancelledError, LeaseLostError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { groupByQueue, type RunningJob } from "./running_job.ts";
import { jobEventFields, type WorkerEvents } from "./worker_events.ts";

/** Keeps the leases of the jobs a worker runs. */
export class LeaseKeeper {
  readonly #backend: Backend;
  readonly #log: Logger;
  readonly #leaseMs: number;
  readonly #events: WorkerEvents;
  /**
   * The jobs leased here, by {@linkcode runKey} (ids are unique per queue
   * only). A null-prototype object (V8 keeps it a dictionary), not a Map: a
   * Map that gains and loses an entry per job rehashes every few jobs, and
   * each old table keeps its entries and a link to the next table, so from a
   * table in old space V8's scavenges kept the whole chain (and the jobs in
   * it) until the next full GC.
   */
  readonly #running: Record<string, RunningJob> = Object.create(null);
  #count = 0;
  #renewTimer: ReturnType<typeof setInterval> | undefined;
  #renewing = false;

  /**
   * @param backend The store holding the leases.
   * @param log Where lost leases and failed renewals are logged.
   * @param leaseMs How long a lease lasts; it is renewed every third of it.
   * @param events Where lost leases (`leaseLost`) and failed renewals (`error`) are reported.
   */
  constructor(backend: Backend, log: Logger, leaseMs: number, events: WorkerEvents) {
    this.#backend = backend;
    this.#log = log;
    this.#leaseMs = leaseMs;
    this.#events = events;
  }

  /** How many jobs are leased here now. */
  get size(): number {
    return this.#count;
  }

  /** The jobs leased here now. */
  running(): RunningJob[] {
    return Object.values(this.#running);
  }

  /** Starts keeping the lease of `running`, until {@linkcode LeaseKeeper.remove}. */
  add(running: RunningJob): void {
    const { job } = running;
    // (kept on the job: its removal makes no key of its own)
    const key = running.runKey = runKey(job.queue, job.id);
    // Leased again while an earlier run here still goes on: that run's lease expired.
    const stale = this.#running[key];
    if (stale?.writable) this.leaseLost(stale);
    if (stale === undefined) this.#count++;
    this.#running[key] = running;
  }

  /** Stops keeping the lease of `running` (its run has ended). */
  remove(running: RunningJob): void {
    const { job } = running;
    const key = running.runKey ?? runKey(job.queue, job.id);
    if (this.#running[key] !== running) return;
    delete this.#running[key];
    this.#count--;
  }

  /** Renews the leases every third of `leaseMs`, until {@linkcode LeaseKeeper.stop}. */
  start(): void {
    const renewEvery = Math.max(50, Math.floor(this.#leaseMs / 3));
    this.#renewTimer = setInterval(() => void this.#renewLeases(), renewEvery);
  }

  /** Stops renewing the leases. */
  stop(): void {
    clearInterval(this.#renewTimer);
  }

  /**
   * Ends the run of `r` here: no more writes for it, and its signal aborts
   * with `reason`. The hook for whatever takes a job away from its run
   * (a lost lease, a shutdown, a cancellation).
   */
  abort(r: RunningJob, reason: unknown): void {
    r.detach();
    r.controller.abort(reason);
  }

  /**
   * The job `id` of `queue`, leased here under `token`, was cancelled (a
   * cancel message, or the lease renewal's report): a run still going is
   * stopped (its signal aborts with a `JobCancelledError`: a thread actor's
   * thread is terminated and replaced), nothing of it is retried, and a
   * value it returns later is discarded; an ack in flight is refused by the
   * store (the cancel won). Anything else (another lease, a job not here) is
   * ignored.
   */
  cancelled(queue: string, id: string, token: string): void {
    const r = this.#running[runKey(queue, id)];
    if (!r || r.job.token !== token || r.cancelled) return;
    r.cancelled = true;
    this.#events.emit("cancelled", jobEventFields(r.job, r.job.attempts + 1));
    if (r.state !== "running") return;
    this.#log.info("job cancelled; stopping it", { id, queue });
    this.abort(r, new JobCancelledError(id));
  }

  /** Stops a run whose lease is gone: no more writes for it, its signal aborts. */
  leaseLost(r: RunningJob): void {
    const error = new LeaseLostError(r.job.id, "keep running");
    this.abort(r, error);
    this.#log.warn("lease lost; job stopped here", { id: r.job.id, error });
    this.#events.emit("leaseLost", jobEventFields(r.job, r.job.attempts + 1));
  }

  async #renewLeases(): Promise<void> {
    // In an outage a renewal can take long to fail: never pile them up.
    if (this.#renewing) return;
    this.#renewing = true;
    try {
      await this.#renewAll();
    } finally {
      this.#renewing = false;
    }
  }

  async #renewAll(): Promise<void> {
    const live = Object.values(this.#running).filter((r) => r.writable);
    if (live.length === 0) return;
    for (const [queue, jobs] of groupByQueue(live.map((r) => r.job))) {
      try {
        const { lost, cancelled } = await this.#backend.extendLeases(
          queue,
          jobs.map((j) => ({ id: j.id, token: j.token })),
          this.#leaseMs,
        );
        const sent = new Map(jobs.map((j) => [j.id, j]));
        // A cancel message that was missed: the renewal tells.
        for (const id of cancelled) this.cancelled(queue, id, sent.get(id)!.token);
        for (const id of lost) {
          const r = this.#running[runKey(queue, id)];
          // A job whose ack is in flight has stopped running; its ack (if
          // already stored) is why the lease is gone, or it will be refused.
          // A run started since (the job leased here again) is not the one asked about.
          if (!r || r.job !== sent.get(id) || r.state !== "running") continue;
          this.leaseLost(r);
        }
      } catch (error) {
        this.#log.warn("cannot renew leases", { queue, error });
        this.#events.emit("error", { kind: "store", action: "renew leases", error, queue });
      }
    }
  }
}

/** The key of a leased job among the running jobs: its queue and id. */
function runKey(queue: string, id: string): string {
  return `${queue}\n${id}`;
}
