/**
 * The worker: holds actors, leases jobs from their queues and runs them.
 *
 * @module
 */

import type { Backend, FetchRequest, FetchResult } from "../backend/backend.ts";
import { openBackend } from "../backend/open_backend.ts";
import type { RedisInput } from "../backend/redis/connection.ts";
import { backoffDelay } from "../core/backoff.ts";
import { type Completion, type JobError, type LeasedJob, toJobError } from "../core/job.ts";
import { jsonProblem } from "../core/json.ts";
import { assertName, assertPrefix } from "../core/names.ts";
import { setImmediate } from "node:timers";
import { sleep } from "../core/sleep.ts";
import { GAVE_UP, unlessAborted, within } from "../core/settle.ts";
import { assertCount, assertDuration } from "../core/time.ts";
import { JobTimeoutError, LeaseLostError, NonJsonResultError } from "../errors.ts";
import { type Logger, type LogLevel, resolveLogger } from "../log.ts";
import { onShutdownSignal } from "../runtime/signals.ts";
import {
  type ActorDefinition,
  type ActorFunction,
  type ActorOptions,
  type JobContext,
  type ModuleActorOptions,
  toActorDefinition,
} from "./actor.ts";
import { defaultThreadCount } from "../runtime/threads.ts";
import { ThreadPool } from "../threads/pool.ts";
import { Batcher } from "./batcher.ts";
import { Slots } from "./slots.ts";
import { advanceOccurrence } from "./schedule_advance.ts";

/** Options of a {@linkcode Worker}. */
export interface WorkerOptions {
  /**
   * The first part of every Redis key; producers must use the same.
   * @default {"repid"}
   */
  prefix?: string;
  /**
   * How many jobs may run at once.
   * @default {10}
   */
  concurrency?: number;
  /**
   * How long a lease lasts, in milliseconds. A running job's lease is renewed
   * every third of it; a job whose worker died runs elsewhere once it expires.
   * @default {30000}
   */
  leaseMs?: number;
  /**
   * How long an idle worker blocks in Redis before it looks again for expired
   * leases, in milliseconds (it also wakes when work arrives or a deferred
   * job falls due).
   * @default {5000}
   */
  idleMs?: number;
  /**
   * How long `stop()` and the signal handlers let running jobs finish before
   * their leases are handed back, in milliseconds. Past it the store gets at
   * most 2 s to take the leases back and 2 s to close, so a stop returns
   * within about `graceMs` + 4 s even while the store does not answer (jobs
   * it could not hand back are then left to their leases, and logged).
   * @default {10000}
   */
  graceMs?: number;
  /**
   * How long a finished job's result is kept, in milliseconds (actors and
   * jobs may override it).
   * @default {86400000 (one day)}
   */
  resultTtlMs?: number;
  /**
   * How long a job for an actor this worker lacks is held back before it is
   * delivered again (to this or another worker), in milliseconds (at least
   * 10, so that a worker lacking an actor never spins on its jobs).
   * @default {1000}
   */
  unknownActorDelayMs?: number;
  /**
   * Dead-letter a job for an unknown actor, with reason `unknown_actor`, once
   * it has been delivered this many times; 0 keeps putting it back.
   * @default {0}
   */
  unknownActorLimit?: number;
  /**
   * How many times a job's lease may expire (its worker died, or the job
   * stalled past `leaseMs` without its lease being renewed) before the job
   * is dead-lettered with reason `stalled` instead of being delivered again;
   * 0 puts it back every time.
   * @default {5}
   */
  maxStalls?: number;
  /**
   * How many threads run sync actors (those registered by module URL). The
   * threads start when first needed and are then reused; jobs of sync actors
   * wait for a free thread.
   * @default {the number of CPUs (at least 1)}
   */
  threads?: number;
  /**
   * Where to log, or the level of the console logger.
   * @default {"warn"}
   */
  logger?: Logger | LogLevel;
  /**
   * The store; overrides the `redis` argument (for example an in-memory backend).
   */
  backend?: Backend;
}

/** Options of {@linkcode Worker.stop}. */
export interface StopOptions {
  /**
   * How long running jobs may still finish, in milliseconds.
   * @default {the worker's graceMs}
   */
  graceMs?: number;
}

/** Options of {@linkcode Worker.runForever}. */
export interface RunOptions {
  /**
   * Stop gracefully on SIGINT and SIGTERM.
   * @default {true}
   */
  handleSignals?: boolean;
  /** Stops the worker gracefully when aborted. */
  signal?: AbortSignal;
}

interface Running {
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

/**
 * One of a queue's fetch loops. A queue gets two when the concurrency allows:
 * while one lane's acks and next fetch are in flight, the other lane's jobs
 * run, so the worker does not sit idle for a round trip between batches.
 * When the queue is drained, one lane waits on the store for work and the
 * others wait for it to find a full batch (or to fill up).
 */
interface Lane {
  /** The lane's number (0, 1, …). */
  index: number;
  /** The slots of this lane (a share of the worker's). */
  slots: Slots;
}

/**
 * How long `stop()` waits, past the grace period, for the store to take back
 * the leases of unfinished jobs and the results of finished ones, and then
 * to close: when the store does not answer (an outage), `stop()` returns
 * after about `graceMs` plus twice this, and the jobs are left to their leases.
 */
const STOP_MARGIN_MS = 2_000;

/** How many fetch loops (lanes) a queue gets, at a concurrency of at least 4. */
const LANES = 2;

const DEFAULTS = {
  prefix: "repid",
  concurrency: 10,
  leaseMs: 30_000,
  idleMs: 5_000,
  graceMs: 10_000,
  resultTtlMs: 86_400_000,
  unknownActorDelayMs: 1_000,
  unknownActorLimit: 0,
  maxStalls: 5,
};

/**
 * Runs actors: async functions on the event loop, up to `concurrency` jobs
 * at once. Each fetched job is leased; the lease is renewed while the job
 * runs, and the result is stored together with the ack.
 *
 * @example
 * ```ts ignore
 * import { Worker } from "@repid/repid";
 *
 * const worker = new Worker("redis://127.0.0.1:6379", { concurrency: 50 });
 * worker.actor(async function string_length(theString: string): Promise<number> {
 *   return theString.length;
 * });
 * await worker.runForever(); // until SIGINT/SIGTERM or worker.stop()
 * ```
 */
export class Worker {
  readonly #backend: Backend;
  readonly #ownsBackend: boolean;
  readonly #log: Logger;
  readonly #opts: typeof DEFAULTS;
  readonly #actors = new Map<string, ActorDefinition>();
  readonly #running = new Map<string, Running>();
  readonly #batchers = new Map<string, AckBatcher>();
  readonly #workerId = crypto.randomUUID().slice(0, 8);
  #tokenSeq = 0;
  #slots: Slots | undefined;
  readonly #threads: number;
  #pool: ThreadPool | undefined;
  #stopController = new AbortController();
  #loops: Promise<void>[] = [];
  #renewTimer: ReturnType<typeof setInterval> | undefined;
  #renewing = false;
  /** Fetches still in flight when the worker began to stop; their jobs are handed back. */
  readonly #lateFetches = new Set<Promise<unknown>>();
  /** Jobs leased by those fetches, to hand back. */
  #lateJobs: LeasedJob[] = [];
  #state: "idle" | "running" | "stopping" | "stopped" = "idle";
  #stopped: Promise<void> | undefined;
  #resolveRun: (() => void) | undefined;

  /**
   * Creates a worker; register actors with {@linkcode Worker.actor}, then
   * call {@linkcode Worker.runForever}.
   *
   * @param redis An ioredis client (duplicated for blocking reads; never
   * closed by the worker) or a `redis://` URL (the worker opens and closes
   * its connections), or `memory://name` for the in-memory store shared in
   * this process; `null` when `options.backend` is given.
   * @param options The worker's options.
   */
  constructor(redis: RedisInput | null, options: WorkerOptions = {}) {
    const action = "Cannot create worker";
    const o = { ...DEFAULTS };
    for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
      const v = options[key];
      if (v !== undefined) (o as Record<string, unknown>)[key] = v;
    }
    assertCount(o.concurrency, "concurrency", action, 1);
    assertDuration(o.leaseMs, "leaseMs", action, 100);
    assertDuration(o.idleMs, "idleMs", action, 10);
    assertDuration(o.graceMs, "graceMs", action);
    assertDuration(o.resultTtlMs, "resultTtlMs", action, 1);
    assertDuration(o.unknownActorDelayMs, "unknownActorDelayMs", action, 10);
    assertCount(o.unknownActorLimit, "unknownActorLimit", action);
    assertCount(o.maxStalls, "maxStalls", action);
    assertPrefix(o.prefix, action);
    this.#opts = o;
    this.#threads = options.threads ?? defaultThreadCount();
    assertCount(this.#threads, "threads", action, 1);
    this.#log = resolveLogger(options.logger);
    if (options.backend) {
      this.#backend = options.backend;
      this.#ownsBackend = false;
    } else {
      if (redis === null) throw new TypeError(`${action}: give a Redis client, a URL or a backend`);
      this.#backend = openBackend(redis, { prefix: o.prefix }, action);
      this.#ownsBackend = true;
    }
  }

  /**
   * Registers an actor: a function (named by its `name` unless `options.name`
   * is given) or a definition from {@linkcode defineActor}.
   *
   * @example
   * ```ts ignore
   * worker.actor(async function hello() { console.log("hi"); }, { queue: "myqueue", retries: 3 });
   * ```
   *
   * @param fn The function, or a definition.
   * @param options The actor's options (merged over a definition's own).
   * @returns The definition, usable with `Repid.enqueueJob()`.
   */
  actor<F extends ActorFunction>(
    fn: F | ActorDefinition<F>,
    options?: ActorOptions,
  ): ActorDefinition<F>;
  /**
   * Registers a sync actor: a function exported from the module at `module`
   * (the default export unless `options.export` names another), run on the
   * worker's pool of threads so that CPU-bound work never blocks async jobs.
   *
   * @example
   * ```ts ignore
   * worker.actor(new URL("./count_file_length.ts", import.meta.url), {
   *   name: "count_file_length",
   *   timeoutMs: 10_000,
   * });
   * ```
   *
   * @param module The module's URL.
   * @param options The actor's options; `name` is required for a default export.
   * @returns The definition, usable with `Repid.enqueueJob()`.
   */
  actor<F extends ActorFunction = ActorFunction>(
    module: URL,
    options: ModuleActorOptions,
  ): ActorDefinition<F>;
  actor<F extends ActorFunction>(
    fn: F | URL | ActorDefinition<F>,
    options?: ActorOptions | ModuleActorOptions,
  ): ActorDefinition<F> {
    const def = toActorDefinition(fn, options);
    if (this.#actors.has(def.name)) {
      throw new TypeError(`Cannot register actor "${def.name}": an actor with that name exists`);
    }
    if (this.#state !== "idle") {
      throw new TypeError(`Cannot register actor "${def.name}": the worker is already running`);
    }
    this.#actors.set(def.name, def as ActorDefinition);
    return def as ActorDefinition<F>;
  }

  /** The names of the registered actors. */
  get actorNames(): string[] {
    return [...this.#actors.keys()];
  }

  /** The queues this worker takes jobs from (those of its actors). */
  get queues(): string[] {
    return [...new Set([...this.#actors.values()].map((a) => a.queue))];
  }

  /** How many jobs are running now. */
  get runningCount(): number {
    return this.#running.size;
  }

  /**
   * Runs until {@linkcode Worker.stop} is called, `options.signal` aborts, or
   * (by default) the process gets SIGINT or SIGTERM; then stops gracefully.
   *
   * @example
   * ```ts ignore
   * const controller = new AbortController();
   * const running = worker.runForever({ signal: controller.signal });
   * controller.abort(); // graceful stop
   * await running;
   * ```
   */
  runForever(options: RunOptions = {}): Promise<void> {
    if (this.#state !== "idle") {
      throw new TypeError("Cannot run worker: it was already started");
    }
    if (this.#actors.size === 0) {
      throw new TypeError("Cannot run worker: no actor is registered");
    }
    this.#state = "running";
    const finished = new Promise<void>((resolve) => (this.#resolveRun = resolve));
    const removeSignals = options.handleSignals === false ? undefined : onShutdownSignal((sig) => {
      this.#log.info(`received ${sig}, stopping`);
      void this.stop();
    });
    const onAbort = () => void this.stop();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    this.#slots = new Slots(this.#opts.concurrency);
    if ([...this.#actors.values()].some((a) => a.module !== undefined)) {
      this.#pool = new ThreadPool({ size: this.#threads, logger: this.#log });
    }
    const renewEvery = Math.max(50, Math.floor(this.#opts.leaseMs / 3));
    this.#renewTimer = setInterval(() => void this.#renewLeases(), renewEvery);
    const lanes = this.#opts.concurrency >= 4 ? LANES : 1;
    const share = Math.ceil(this.#opts.concurrency / lanes);
    this.#loops = this.queues.flatMap((q) =>
      Array.from({ length: lanes }, (_, index) =>
        this.#fetchLoop(q, {
          index,
          slots: new Slots(share),
        }))
    );
    this.#log.info("worker started", {
      queues: this.queues,
      actors: this.actorNames,
      concurrency: this.#opts.concurrency,
    });
    return finished.finally(() => {
      removeSignals?.();
      options.signal?.removeEventListener("abort", onAbort);
    });
  }

  /**
   * Stops gracefully: no more fetching; running jobs may finish within
   * `graceMs`; the leases of the rest are handed back so they run elsewhere;
   * the connections the worker opened are closed; `runForever()` resolves.
   *
   * @example
   * ```ts ignore
   * await worker.stop({ graceMs: 5_000 });
   * ```
   */
  stop(options: StopOptions = {}): Promise<void> {
    if (this.#stopped) return this.#stopped;
    const graceMs = options.graceMs ?? this.#opts.graceMs;
    assertDuration(graceMs, "graceMs", "Cannot stop worker");
    this.#stopped = this.#shutdown(graceMs);
    return this.#stopped;
  }

  async #shutdown(graceMs: number): Promise<void> {
    const wasRunning = this.#state === "running";
    this.#state = "stopping";
    this.#stopController.abort();
    // Every wait of the fetch loops ends on the abort, even a store call that
    // hangs in an outage (see #fetchLoop): this is prompt.
    await Promise.all(this.#loops);
    // Running jobs, and fetches still in flight, have `graceMs`.
    const late = [...this.#lateFetches];
    if (this.#running.size > 0 || late.length > 0) {
      await within(
        Promise.all([...[...this.#running.values()].map((r) => r.done), ...late]),
        graceMs,
      );
    }
    // Jobs whose ack is in flight have finished running: let the ack land rather than hand them back.
    const left = [...this.#running.values()].filter((r) => !r.detached && !r.acking);
    for (const r of left) {
      r.detached = true;
      r.controller.abort(new Error("The worker is shutting down"));
    }
    const handBack = [...left.map((r) => r.job), ...this.#lateJobs];
    this.#lateJobs = [];
    if (this.#lateFetches.size > 0) {
      this.#log.warn(
        "a fetch was still in flight (the store does not answer); any job it leased is left to its lease",
        { fetches: this.#lateFetches.size },
      );
    }
    // Past the grace period, the store gets a bounded time to take the leases
    // back and the acks in flight: when it does not answer (an outage), the
    // jobs are left to their leases, which expire by themselves.
    const margin = new AbortController();
    const marginTimer = setTimeout(() => margin.abort(), STOP_MARGIN_MS);
    for (const [queue, jobs] of groupByQueue(handBack)) {
      const ids = jobs.map((j) => j.id);
      try {
        const released = await unlessAborted(
          this.#backend.release(queue, jobs.map((j) => ({ id: j.id, token: j.token }))),
          margin.signal,
        );
        if (released === GAVE_UP) {
          this.#log.warn(
            "could not hand back leases: the store does not answer; they expire by themselves",
            {
              queue,
              jobs: ids,
            },
          );
        } else this.#log.info("handed back unfinished jobs", { queue, jobs: ids });
      } catch (error) {
        this.#log.warn("could not hand back leases; they expire by themselves", {
          queue,
          jobs: ids,
          error,
        });
      }
    }
    const acking = [...this.#running.values()].filter((r) => r.acking && !r.detached);
    if (acking.length > 0) {
      const landed = await unlessAborted(Promise.all(acking.map((r) => r.done)), margin.signal);
      for (const r of acking) r.detached = true;
      if (landed === GAVE_UP) {
        this.#log.warn(
          "could not store the results of finished jobs: the store does not answer; they run again once their leases expire",
          {
            jobs: acking.map((r) => r.job.id),
          },
        );
      }
    }
    clearTimeout(marginTimer);
    clearInterval(this.#renewTimer);
    await this.#pool?.close();
    if (this.#ownsBackend) await within(this.#backend.close(), STOP_MARGIN_MS);
    this.#state = "stopped";
    if (wasRunning) this.#log.info("worker stopped");
    this.#resolveRun?.();
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

  async #fetchLoop(queue: string, lane: Lane): Promise<void> {
    const signal = this.#stopController.signal;
    const slots = this.#slots!;
    let failures = 0;
    while (!signal.aborted) {
      await lane.slots.waitFree(signal);
      await slots.waitFree(signal);
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
        const token = `${this.#workerId}-${++this.#tokenSeq}`;
        const { leaseMs, maxStalls } = this.#opts;
        const acks = this.#batchers.get(batcherKey(queue, lane));
        // Jobs of this lane just finished and their acks go out at the end of
        // this turn: lease the next jobs in the same round trip, as many as
        // slots are free by then (all those the finished jobs gave back).
        const fetching = acks?.canRide
          ? acks.ride(() => {
            const max = reserve();
            return max > 0 ? { max, leaseMs, token, maxStalls } : null;
          })
          : this.#backend.fetch(queue, reserve(), leaseMs, token, maxStalls);
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
        await sleep(Math.min(2_000, 50 * 2 ** Math.min(failures, 6)), signal);
      }
    }
    this.#unclaimWaiting(queue, lane);
  }

  /** The lane of each queue that waits on the store for work; the others wait for it. */
  readonly #waitingLane = new Map<string, Lane>();
  /** Lanes of a queue waiting for the lane that waits on the store. */
  readonly #laneWaits = new Map<string, (() => void)[]>();

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
    const waiting = this.#laneWaits.get(queue);
    if (!waiting?.length) return;
    this.#laneWaits.set(queue, []);
    for (const wake of waiting) wake();
  }

  #laneWake(queue: string, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        resolve();
      };
      let waiting = this.#laneWaits.get(queue);
      if (!waiting) this.#laneWaits.set(queue, waiting = []);
      waiting.push(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Runs a fetched job, which holds one slot (of the worker and of its lane) reserved by the fetch loop. */
  #start(job: LeasedJob, lane: Lane): void {
    let controller: AbortController | undefined; // made when first used (most jobs never do)
    const running: Running = {
      job,
      get controller() {
        return controller ??= new AbortController();
      },
      detached: false,
      slotHeld: true,
      acking: false,
      lane,
      done: Promise.resolve(),
    };
    // Leased again while an earlier run here still goes on: that run's lease expired.
    const stale = this.#running.get(job.id);
    if (stale && !stale.detached) this.#leaseLost(stale);
    this.#running.set(job.id, running);
    running.done = this.#execute(running)
      .catch((error) => this.#log.error("job handling failed", { id: job.id, error }))
      .finally(() => {
        if (this.#running.get(job.id) === running) this.#running.delete(job.id);
        this.#freeSlot(running);
      });
  }

  /**
   * Gives the job's slot back (once). A job that has run frees its slot
   * before its ack is written, so the next fetch travels with the ack
   * instead of after it; the job stays in `#running` (its lease renewed,
   * handed back on shutdown) until the ack is stored.
   */
  #freeSlot(r: Running): void {
    if (!r.slotHeld) return;
    r.slotHeld = false;
    r.lane.slots.release();
    this.#slots!.release();
  }

  async #execute(r: Running): Promise<void> {
    const { job } = r;
    const actor = this.#actors.get(job.actor);
    const badName = actor ? undefined : nameProblem(job.actor, `Cannot run job "${job.id}"`);
    if (badName !== undefined) {
      // No worker can have an actor by a name producers refuse: dead-letter, do not requeue.
      await this.#deadLetterMalformed(r, badName, badName);
      return;
    }
    if (!actor) {
      const outcome = await this.#retryWrite(r, "requeue", () =>
        this.#backend.requeue(job.queue, {
          id: job.id,
          token: job.token,
          delayMs: this.#opts.unknownActorDelayMs,
          maxDeliveries: this.#opts.unknownActorLimit,
          reason: "unknown_actor",
          ttlMs: this.#opts.resultTtlMs,
        }));
      if (outcome === "dead") {
        this.#log.warn("dead-lettered job for unknown actor", { id: job.id, actor: job.actor });
      } else if (outcome === "requeued") {
        this.#log.debug("put back job for unknown actor", {
          id: job.id,
          actor: job.actor,
          deliveries: job.deliveries,
        });
      } else if (outcome === "lost") this.#refused(job, "requeue");
      return;
    }
    if (job.options.schedule) {
      // An occurrence of a recurring job: create the next one before running this one.
      const advanced = await this.#retryWrite(
        r,
        "advance the schedule of",
        () => advanceOccurrence(this.#backend, job),
      );
      if (advanced === undefined) return;
      this.#log.debug("schedule advanced", { id: job.id, outcome: advanced });
    }
    let args: unknown[];
    try {
      const parsed = JSON.parse(job.argsJson);
      if (!Array.isArray(parsed)) throw new Error("arguments are not a JSON array");
      args = parsed;
    } catch (error) {
      const reason = error instanceof SyntaxError
        ? `arguments are not valid JSON (${error.message})`
        : (error as Error).message;
      await this.#deadLetterMalformed(r, `Cannot run job "${job.id}": ${reason}`, reason);
      return;
    }

    const opts = actor.options;
    const maxAttempts = 1 + (opts.retries ?? 0);
    const timeoutMs = job.options.timeoutMs ?? opts.timeoutMs;
    const ttlMs = job.options.resultTtlMs ?? opts.resultTtlMs ?? this.#opts.resultTtlMs;
    const errors: JobError[] = [...job.errors];
    let attempts = job.attempts;
    this.#log.info("job started", { id: job.id, actor: actor.name, queue: job.queue });
    while (true) {
      attempts++;
      const outcome = await this.#attempt(actor, args, r, attempts, timeoutMs);
      if (r.detached) return; // lease lost or handed back: another worker owns the job now
      if (outcome.ok) {
        await this.#finish(r, {
          id: job.id,
          token: job.token,
          status: "done",
          valueJson: outcome.json,
          error: null,
          errors,
          attempts,
          ttlMs,
        });
        return;
      }
      errors.push(outcome.error);
      if (attempts >= maxAttempts) {
        await this.#finish(r, {
          id: job.id,
          token: job.token,
          status: "failed",
          valueJson: "null",
          error: outcome.error,
          errors,
          attempts,
          ttlMs,
        });
        return;
      }
      const stored = await this.#retryWrite(
        r,
        "record attempt",
        () => this.#backend.recordAttempt(job.queue, job.id, job.token, attempts, errors),
      );
      if (stored === false) {
        this.#refused(job, "retry");
        r.detached = true;
        return;
      }
      if (r.detached) return;
      const wait = backoffDelay(opts.backoff, attempts);
      this.#log.info("job failed, retrying", {
        id: job.id,
        actor: actor.name,
        attempt: attempts,
        retryInMs: wait,
        error: outcome.error.message,
      });
      await sleep(wait, r.controller.signal);
      if (r.detached) return;
    }
  }

  /** Dead-letters a leased job that cannot run, with reason `malformed` and `message`. */
  async #deadLetterMalformed(r: Running, message: string, reason: string): Promise<void> {
    const { job } = r;
    const ok = await this.#retryWrite(r, "dead-letter", () =>
      this.#backend.deadLetter(
        job.queue,
        job.id,
        job.token,
        "malformed",
        { name: "MalformedJobError", message },
        this.#opts.resultTtlMs,
      ));
    if (ok === false) this.#refused(job, "dead-letter");
    else if (ok) this.#log.warn("dead-lettered malformed job", { id: job.id, reason });
  }

  async #attempt(
    actor: ActorDefinition,
    args: unknown[],
    r: Running,
    attempt: number,
    timeoutMs: number | undefined,
  ): Promise<{ ok: true; json: string } | { ok: false; error: JobError }> {
    // The attempt's AbortController is made only when needed (the actor reads
    // `this.signal`, a timeout is set, or the actor runs on a thread): most
    // actors never look at it, and one per job (with its listener and the
    // abort event at the end) is a measurable part of a short job's cost.
    let controller: AbortController | undefined;
    let ended = false;
    let parent!: AbortSignal;
    const forward = () => controller!.abort(parent.reason);
    const attemptController = (): AbortController => {
      if (!controller) {
        controller = new AbortController();
        parent = r.controller.signal;
        if (ended) controller.abort(new Error("The attempt has ended"));
        else if (parent.aborted) controller.abort(parent.reason);
        else parent.addEventListener("abort", forward, { once: true });
      }
      return controller;
    };
    const context: JobContext = {
      jobId: r.job.id,
      queue: r.job.queue,
      actor: actor.name,
      attempt,
      deliveries: r.job.deliveries,
      get signal() {
        return attemptController().signal;
      },
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const run = actor.module !== undefined
        ? this.#pool!.run({
          actor: actor.name,
          module: actor.module,
          exportName: actor.exportName ?? "default",
          args,
          context: {
            jobId: context.jobId,
            queue: context.queue,
            actor: context.actor,
            attempt,
            deliveries: context.deliveries,
          },
        }, {
          signal: attemptController().signal,
          timeoutMs,
          timeoutError: () => new JobTimeoutError(actor.name, timeoutMs!),
        }).then((json) => JSON.parse(json))
        : Promise.resolve().then(() => actor.fn.apply(context, args));
      let value: unknown;
      if (timeoutMs === undefined || actor.module !== undefined) {
        value = await run;
      } else {
        const attemptAbort = attemptController();
        value = await Promise.race([
          run,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              const error = new JobTimeoutError(actor.name, timeoutMs);
              attemptAbort.abort(error);
              reject(error);
            }, timeoutMs);
          }),
        ]);
      }
      if (value === undefined) value = null;
      const problem = jsonProblem(value, "result");
      if (problem) {
        return { ok: false, error: toJobError(new NonJsonResultError(actor.name, problem)) };
      }
      return { ok: true, json: JSON.stringify(value) };
    } catch (error) {
      return { ok: false, error: toJobError(error) };
    } finally {
      clearTimeout(timer);
      ended = true;
      if (controller) {
        parent.removeEventListener("abort", forward);
        if (!controller.signal.aborted) {
          controller.abort(new Error("The attempt has ended"));
        }
      }
    }
  }

  async #finish(r: Running, completion: Completion): Promise<void> {
    const { job } = r;
    r.acking = true;
    this.#freeSlot(r);
    const ok = await this.#retryWrite(
      r,
      "complete",
      () => this.#batcher(job.queue, r.lane).add(completion),
    );
    if (ok === false) {
      this.#refused(job, "complete");
      return;
    }
    if (ok === undefined) return;
    const fields = {
      id: job.id,
      actor: job.actor,
      queue: job.queue,
      attempts: completion.attempts,
      ms: Date.now() - job.startedAt,
    };
    if (completion.status === "done") this.#log.info("job done", fields);
    else this.#log.info("job failed", { ...fields, error: completion.error?.message });
  }

  #batcher(queue: string, lane: Lane): AckBatcher {
    const key = batcherKey(queue, lane);
    let b = this.#batchers.get(key);
    if (!b) {
      const backend = this.#backend;
      b = new Batcher(
        (items) => backend.complete(queue, items),
        backend.completeAndFetch && (async (items, request) => {
          const { acked, fetched } = await backend.completeAndFetch!(queue, items, request);
          return [acked, fetched];
        }),
      );
      this.#batchers.set(key, b);
    }
    return b;
  }

  /**
   * Runs a store write for a leased job, retrying while the store is
   * unreachable; gives up (returning `undefined`) once the job is detached,
   * since its lease is then gone anyway, or after the store refused the
   * write with an error reply three times (a corrupted record): the job is
   * then left to its lease, which expires and delivers it again.
   */
  async #retryWrite<T>(r: Running, what: string, write: () => Promise<T>): Promise<T | undefined> {
    let failures = 0;
    let replyErrors = 0;
    while (true) {
      try {
        return await write();
      } catch (error) {
        failures++;
        if (failures === 1) {
          this.#log.warn(`cannot ${what} job, retrying`, { id: r.job.id, error });
        }
        if (error instanceof Error && error.name === "ReplyError" && ++replyErrors >= 3) {
          this.#log.error(`cannot ${what} job: the store keeps refusing; leaving it to its lease`, {
            id: r.job.id,
            error,
          });
          r.detached = true;
          return undefined;
        }
        if (r.detached) return undefined;
        await sleep(Math.min(2_000, 50 * 2 ** Math.min(failures, 6)));
        if (r.detached) return undefined;
      }
    }
  }

  #refused(job: LeasedJob, action: string): void {
    this.#log.warn("write refused: lease lost", {
      id: job.id,
      error: new LeaseLostError(job.id, action),
    });
  }

  /** Stops a run whose lease is gone: no more writes for it, its signal aborts. */
  #leaseLost(r: Running): void {
    r.detached = true;
    const error = new LeaseLostError(r.job.id, "keep running");
    r.controller.abort(error);
    this.#log.warn("lease lost; job stopped here", { id: r.job.id, error });
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
    const live = [...this.#running.values()].filter((r) => !r.detached);
    if (live.length === 0) return;
    for (const [queue, jobs] of groupByQueue(live.map((r) => r.job))) {
      try {
        const lost = await this.#backend.extendLeases(
          queue,
          jobs.map((j) => ({ id: j.id, token: j.token })),
          this.#opts.leaseMs,
        );
        const sent = new Map(jobs.map((j) => [j.id, j]));
        for (const id of lost) {
          const r = this.#running.get(id);
          // A job whose ack is in flight has stopped running; its ack (if
          // already stored) is why the lease is gone, or it will be refused.
          // A run started since (the job leased here again) is not the one asked about.
          if (!r || r.job !== sent.get(id) || r.detached || r.acking) continue;
          this.#leaseLost(r);
        }
      } catch (error) {
        this.#log.warn("cannot renew leases", { queue, error });
      }
    }
  }
}

/** Why `name` (from the store) is not a valid actor name, or `undefined` when it is. */
function nameProblem(name: string, action: string): string | undefined {
  try {
    assertName("actor", name.length > 200 ? name.slice(0, 200) : name, action);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The acks of one queue, with which the queue's next fetch may ride. */
type AckBatcher = Batcher<Completion, boolean, FetchRequest, FetchResult>;

/** The key of a lane's ack batcher. */
function batcherKey(queue: string, lane: Lane): string {
  return `${lane.index}\n${queue}`;
}

/** Resolves after the `setImmediate` callbacks queued in this turn of the event loop have run. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

function groupByQueue(jobs: LeasedJob[]): Map<string, LeasedJob[]> {
  const map = new Map<string, LeasedJob[]>();
  for (const j of jobs) {
    const list = map.get(j.queue);
    if (list) list.push(j);
    else map.set(j.queue, [j]);
  }
  return map;
}
