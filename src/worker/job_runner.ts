/**
 * The job runner: runs a leased job (its checks, schedule advance, attempts
 * with their timeouts and retries) and stores its outcome.
 *
 * @module
 */

import { UnknownActorWarnings } from "./unknown_actor_warnings.ts";
import type { Backend } from "../backend/backend.ts";
import { backoffDelay } from "../core/backoff.ts";
import type { Completion, JobError, LeasedJob } from "../core/job.ts";
import { toJobError } from "../core/job_error.ts";
import { jsonProblem, stringifyJson } from "../core/json.ts";
import { assertName } from "../core/names.ts";
import { logicalQueue, partitionIndex } from "../core/partitions.ts";
import { type LongTimeout, setLongTimeout } from "../core/long_timeout.ts";
import { sleep } from "../core/sleep.ts";
import { malformedError, REASON } from "../core/store_errors.ts";
import { JobTimeoutError, NonJsonResultError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { ThreadPool } from "../threads/pool.ts";
import type { ActorDefinition, JobContext as JobContextShape } from "./actor.ts";
import type { Lane } from "./lane.ts";
import type { LeaseKeeper } from "./lease_keeper.ts";
import { RunningJob } from "./running_job.ts";
import { endSpan, hasTraceContext, startProcessSpan, withSpan } from "../core/tracing.ts";
import { ProgressReporter } from "./progress_reporter.ts";
import { advanceOccurrence } from "../backend/schedule_advance.ts";
import type { Slots } from "./slots.ts";
import type { StoreWriter } from "./store_writer.ts";
import type { ResolvedWorkerOptions } from "./worker_options.ts";
import { doneEvent, jobEventFields, jobWaitMs, type WorkerEvents } from "./worker_events.ts";
import type { JobMeter } from "./worker_metrics.ts";

/** What a {@linkcode JobRunner} works with; the worker makes it when it starts running. */
export interface JobRunnerContext {
  backend: Backend;
  log: Logger;
  opts: ResolvedWorkerOptions;
  /** The worker's actors, by name. */
  actors: ReadonlyMap<string, ActorDefinition>;
  /** The threads of sync actors (when the worker has any). */
  pool: ThreadPool | undefined;
  /** The worker's slots (those of all its lanes). */
  slots: Slots;
  leases: LeaseKeeper;
  writer: StoreWriter;
  /** Where the worker's events go. */
  events: WorkerEvents;
  /** The worker's metrics, told of each attempt (absent: `metrics: false`). */
  meter?: JobMeter;
}

/** Runs the jobs a worker leased. */
export class JobRunner {
  readonly #backend: Backend;
  readonly #log: Logger;
  readonly #opts: ResolvedWorkerOptions;
  readonly #actors: ReadonlyMap<string, ActorDefinition>;
  readonly #pool: ThreadPool | undefined;
  readonly #slots: Slots;
  readonly #leases: LeaseKeeper;
  readonly #writer: StoreWriter;
  readonly #unknownActors: UnknownActorWarnings;
  readonly #events: WorkerEvents;
  readonly #meter: JobMeter | undefined;
  /** Per lane, the function that gives back a slot of it and of the worker. */
  readonly #releasers = new Map<Lane, () => void>();
  /** Makes the progress reporter of a job (once per runner, not per attempt). */
  readonly #newReporter = (r: RunningJob): ProgressReporter => this.#progressReporter(r);

  /** @param context What the runner works with. */
  constructor(context: JobRunnerContext) {
    this.#backend = context.backend;
    this.#log = context.log;
    this.#opts = context.opts;
    this.#actors = context.actors;
    this.#pool = context.pool;
    this.#slots = context.slots;
    this.#leases = context.leases;
    this.#writer = context.writer;
    this.#unknownActors = new UnknownActorWarnings(context.log);
    this.#events = context.events;
    this.#meter = context.meter;
  }

  /** Runs a fetched job, which holds one slot (of the worker and of its lane) reserved by the fetch loop. */
  start(job: LeasedJob, lane: Lane): void {
    const running = new RunningJob(job, lane, this.#releaserOf(lane));
    this.#leases.add(running);
    running.done = this.#execute(running);
  }

  /**
   * Gives back one slot of `lane` and one of the worker: made once per lane,
   * not once per job.
   */
  #releaserOf(lane: Lane): () => void {
    let release = this.#releasers.get(lane);
    if (!release) {
      const slots = this.#slots;
      release = () => {
        lane.slots.release();
        slots.release();
      };
      this.#releasers.set(lane, release);
    }
    return release;
  }

  /**
   * Runs a job, reports a failure of its handling and lets the job go. One
   * async function for all that (a `.catch().finally()` chain, or a wrapper,
   * made more promises and closures per job), and no closure of its own: the
   * rare paths that need one (an unknown actor, a schedule to advance, a
   * retry to record, tracing, a failed ack) make it in a method of their
   * own, so that the variables of this one live in its frame, not in a
   * context allocated at every call.
   */
  async #execute(r: RunningJob): Promise<void> {
    try {
      const { job } = r;
      const actor = this.#actors.get(job.actor);
      const badName = actor ? undefined : nameProblem(job.actor, `Cannot run job "${job.id}"`);
      if (badName !== undefined) {
        // No worker can have an actor by a name producers refuse: dead-letter, do not requeue.
        await this.#deadLetterMalformed(r, badName, badName);
        return;
      }
      if (!actor) {
        await this.#requeueUnknown(r);
        return;
      }
      // An occurrence of a recurring job: create the next one before running this one.
      if (job.options.schedule && !(await this.#advanceSchedule(r))) return;
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
      const meter = this.#meter;
      const queue = meter ? logicalQueue(job.queue) : job.queue;
      let completion: Completion;
      let value: unknown;
      let durationMs: number;
      while (true) {
        if (!r.writable) return; // cancelled, lease lost or handed back before this attempt
        attempts++;
        const retry = attempts > job.attempts + 1;
        // (the events' fields are made only when a listener waits for an event of the attempt)
        if (!retry) meter?.jobStarted(queue, job.actor, jobWaitMs(job));
        if (this.#events.has("started")) {
          this.#events.emit("started", { ...jobEventFields(job, attempts), retry });
        }
        const began = performance.now();
        let outcome: AttemptOutcome;
        if (this.#opts.tracing || actor.module !== undefined || timeoutMs !== undefined) {
          outcome = await (this.#opts.tracing
            ? this.#traced(actor, args, r, attempts, timeoutMs)
            : this.#attempt(actor, args, r, attempts, timeoutMs));
        } else {
          // The common attempt (no span, no thread, no timeout) runs here, as
          // in #attempt, not in an async method of its own: one frame, one
          // promise and one await less per job.
          const context = this.#context(actor, r, attempts);
          try {
            // the actor runs from a microtask; a throw of its own lands in the catch
            await undefined;
            outcome = outcomeOf(actor, await actor.fn.apply(context, args));
          } catch (error) {
            outcome = { ok: false, error: toJobError(error) };
          } finally {
            JobContext.end(context);
          }
        }
        durationMs = performance.now() - began;
        if (!r.writable) {
          return; // lease lost or handed back: another worker owns the job now
        }
        if (outcome.ok) {
          completion = {
            id: job.id,
            token: job.token,
            status: "done",
            valueJson: outcome.json,
            error: null,
            errors,
            attempts,
            ttlMs,
          };
          value = outcome.value;
          break;
        }
        errors.push(outcome.error);
        if (attempts >= maxAttempts) {
          completion = {
            id: job.id,
            token: job.token,
            status: "failed",
            valueJson: "null",
            error: outcome.error,
            errors,
            attempts,
            ttlMs,
          };
          break;
        }
        const wait = backoffDelay(opts.backoff, attempts);
        // A job of a group waits for its retry in the store, its group slot freed.
        const inStore = job.options.group !== undefined;
        const stored = await this.#recordAttempt(r, attempts, errors, inStore ? wait : undefined);
        if (stored === false) {
          this.#writer.refused(job, "retry");
          r.detach();
          return;
        }
        if (!r.writable) {
          return;
        }
        this.#log.info(
          inStore ? "job failed, retrying after its group's wait" : "job failed, retrying",
          {
            id: job.id,
            actor: actor.name,
            attempt: attempts,
            retryInMs: wait,
            error: outcome.error.message,
          },
        );
        // Announced (and counted by the metrics) like any retry, whether it waits here or in the store.
        meter?.jobEnded("retried", queue, job.actor, durationMs);
        if (this.#events.has("retrying")) {
          this.#events.emit("retrying", {
            ...jobEventFields(job, attempts),
            error: outcome.error,
            durationMs,
            retryInMs: wait,
          });
        }
        if (inStore) {
          return;
        }
        await sleep(wait, r.controller.signal);
        if (!r.writable) {
          return;
        }
      }

      // The ack, here rather than in an async method of its own (one frame and promise less).
      // Its latest progress lands before its result.
      if (r.progress) await r.progress.close();
      // The job has run: its slot goes back now, so the next fetch travels with
      // the ack instead of after it; the job stays with the lease keeper (its
      // lease renewed, handed back on shutdown) until the ack is stored.
      r.startAck();
      let ok: boolean | undefined;
      try {
        // The first try is made here, not through `retryWrite` (its closure and
        // its async layer are needed only once the write failed), and awaits
        // the answers of its batch: one promise per batch, not one per job.
        const acks = r.lane.acksFor(job.queue);
        const at = acks.push(completion);
        ok = (await acks.answers)[at];
      } catch (error) {
        ok = await this.#retryAck(r, completion, error);
      }
      this.#acked(r, completion, ok, value, durationMs);
    } catch (error) {
      const { job } = r;
      this.#log.error("job handling failed", { id: job.id, error });
      this.#events.emit("error", {
        kind: "job",
        action: "handle job",
        error,
        queue: job.queue,
        id: job.id,
      });
    } finally {
      void r.progress?.close();
      this.#leases.remove(r);
      r.end();
      if (this.#leases.size === 0) this.#events.emit("idle", { at: Date.now() });
    }
  }

  /** Hands back a job whose actor this worker lacks (dead-lettered past `unknownActorLimit`). */
  async #requeueUnknown(r: RunningJob): Promise<void> {
    const { job } = r;
    const outcome = await this.#writer.retryWrite(
      r,
      "requeue",
      () =>
        this.#backend.requeue(job.queue, {
          id: job.id,
          token: job.token,
          delayMs: this.#opts.unknownActorDelayMs,
          maxDeliveries: this.#opts.unknownActorLimit,
          reason: REASON.unknownActor,
          ttlMs: this.#opts.resultTtlMs,
        }),
    );
    if (outcome === "dead") {
      this.#log.warn("dead-lettered job for unknown actor", { id: job.id, actor: job.actor });
      this.#events.emit("dead", {
        ...jobEventFields(job, job.attempts),
        reason: REASON.unknownActor,
      });
    } else if (outcome === "requeued") {
      this.#unknownActors.putBack(job, [...this.#actors.keys()]);
    } else if (outcome === "lost") this.#writer.refused(job, "requeue");
  }

  /** Creates the next occurrence of a recurring job; `false`: the job is not to run here. */
  async #advanceSchedule(r: RunningJob): Promise<boolean> {
    const { job } = r;
    const advanced = await this.#writer.retryWrite(
      r,
      "advance the schedule of",
      () => advanceOccurrence(this.#backend, job),
    );
    if (advanced === undefined) return false;
    this.#log.debug("schedule advanced", { id: job.id, outcome: advanced });
    return true;
  }

  /** Stores a failed attempt of `r` (and, with `retryInMs`, its wait in the store). */
  #recordAttempt(
    r: RunningJob,
    attempts: number,
    errors: JobError[],
    retryInMs: number | undefined,
  ): Promise<boolean | undefined> {
    const { job } = r;
    return this.#writer.retryWrite(
      r,
      "record attempt",
      () => this.#backend.recordAttempt(job.queue, job.id, job.token, attempts, errors, retryInMs),
    );
  }

  /** Retries the ack of `r`, whose first try failed with `error`. */
  #retryAck(r: RunningJob, completion: Completion, error: unknown): Promise<boolean | undefined> {
    return this.#writer.retryWrite(
      r,
      "complete",
      () => r.lane.acksFor(r.job.queue).add(completion),
      error,
    );
  }

  /**
   * The ack of `r` with `completion` came back `ok` (`undefined`: given up):
   * once stored, emits `done` (with `value`) or `failed`, made here when a
   * listener waits for them.
   */
  #acked(
    r: RunningJob,
    completion: Completion,
    ok: boolean | undefined,
    value: unknown,
    durationMs: number,
  ): void {
    const { job } = r;
    if (ok === false) {
      // Cancelled meanwhile: the cancel won the race with this ack.
      if (r.cancelled) this.#log.info("job cancelled; its result is discarded", { id: job.id });
      else this.#writer.refused(job, "complete");
      return;
    }
    if (ok === undefined) return;
    // the metrics count it before any listener hears of it
    this.#meter?.jobEnded(completion.status, logicalQueue(job.queue), job.actor, durationMs);
    const fields = {
      id: job.id,
      actor: job.actor,
      queue: job.queue,
      attempts: completion.attempts,
      ms: Date.now() - job.startedAt,
    };
    if (completion.status === "done") {
      this.#log.info("job done", fields);
      if (this.#events.has("done")) {
        this.#events.emit("done", doneEvent(job, completion.attempts, value, durationMs));
      }
    } else {
      this.#log.info("job failed", { ...fields, error: completion.error?.message });
      if (this.#events.has("failed")) {
        this.#events.emit("failed", {
          ...jobEventFields(job, completion.attempts),
          error: completion.error!,
          durationMs,
        });
      }
    }
  }

  /** Dead-letters a leased job that cannot run, with reason `malformed` and `message`. */
  async #deadLetterMalformed(r: RunningJob, message: string, reason: string): Promise<void> {
    const { job } = r;
    const ok = await this.#writer.retryWrite(r, "dead-letter", () =>
      this.#backend.deadLetter(
        job.queue,
        job.id,
        job.token,
        REASON.malformed,
        malformedError(message),
        this.#opts.resultTtlMs,
      ));
    if (ok === false) this.#writer.refused(job, "dead-letter");
    else if (ok) {
      this.#log.warn("dead-lettered malformed job", { id: job.id, reason });
      this.#events.emit("dead", { ...jobEventFields(job, job.attempts), reason: REASON.malformed });
    }
  }

  /** Runs one attempt ({@linkcode JobRunner.#attempt}) inside its `process <queue>` span (tracing on). */
  async #traced(
    actor: ActorDefinition,
    args: unknown[],
    r: RunningJob,
    attempt: number,
    timeoutMs: number | undefined,
  ): Promise<AttemptOutcome> {
    const { job } = r;
    const run = () => this.#attempt(actor, args, r, attempt, timeoutMs);
    const span = startProcessSpan(job.queue, job.id, actor.name, attempt, job.options.traceparent);
    if (!hasTraceContext(span)) {
      // no SDK, no trace to continue: nothing to carry into the attempt
      span.end();
      return run();
    }
    const outcome = await withSpan(span, run);
    endSpan(span, outcome.ok ? undefined : outcome.error);
    return outcome;
  }

  /**
   * Runs one attempt of `r`: its outcome, never a rejection. No closure of
   * its own (a thread, a timeout take theirs in methods of their own), so
   * that its variables live in its frame, not in a context made per call.
   */
  async #attempt(
    actor: ActorDefinition,
    args: unknown[],
    r: RunningJob,
    attempt: number,
    timeoutMs: number | undefined,
  ): Promise<AttemptOutcome> {
    const context = this.#context(actor, r, attempt);
    try {
      let value: unknown;
      if (actor.module !== undefined) {
        value = JSON.parse(await this.#onThread(actor, r, context, timeoutMs));
      } else if (timeoutMs === undefined) {
        // The actor runs from a microtask (as with a timeout), and a throw of
        // its own lands in the catch below: no closure, no promise of ours.
        await undefined;
        value = await actor.fn.apply(context, args);
      } else {
        value = await withTimeout(actor, args, context, timeoutMs);
      }
      return outcomeOf(actor, value);
    } catch (error) {
      return { ok: false, error: toJobError(error) };
    } finally {
      JobContext.end(context);
    }
  }

  /** The `this` of attempt number `attempt` of `r`. */
  #context(actor: ActorDefinition, r: RunningJob, attempt: number): JobContext {
    const { job } = r;
    return new JobContext(
      job.id,
      logicalQueue(job.queue),
      partitionIndex(job.queue),
      actor.name,
      attempt,
      job.deliveries,
      r,
      this.#newReporter,
    );
  }

  /** Runs an attempt of a sync actor on a thread of the pool: its result's JSON. */
  #onThread(
    actor: ActorDefinition,
    r: RunningJob,
    context: JobContext,
    timeoutMs: number | undefined,
  ): Promise<string> {
    return this.#pool!.run({
      actor: actor.name,
      module: actor.module!,
      exportName: actor.exportName ?? "default",
      argsJson: r.job.argsJson,
      context: {
        jobId: context.jobId,
        queue: context.queue,
        partition: context.partition,
        actor: context.actor,
        attempt: context.attempt,
        deliveries: context.deliveries,
      },
    }, {
      signal: JobContext.controller(context).signal,
      timeoutMs,
      timeoutError: () => new JobTimeoutError(actor.name, timeoutMs!),
      onProgress: (json) => (r.progress ??= this.#progressReporter(r)).reportJson(json),
    });
  }

  /** The progress reporter of `r`: its writes go to the store while the job is leased here. */
  #progressReporter(r: RunningJob): ProgressReporter {
    const { job } = r;
    return new ProgressReporter(async (json) => {
      if (!r.writable) return;
      try {
        await this.#backend.setProgress(job.queue, job.id, job.token, json);
      } catch (error) {
        this.#log.warn("cannot store progress of job", { id: job.id, error });
        this.#events.emit("error", {
          kind: "store",
          action: "store progress of job",
          error,
          queue: job.queue,
          id: job.id,
        });
      }
    }, `Cannot report progress of job "${job.id}"`);
  }
}

/**
 * Runs `actor` (from a microtask) until it settles or `timeoutMs` passes:
 * then the attempt's signal aborts and this rejects with a
 * {@linkcode JobTimeoutError}.
 */
async function withTimeout(
  actor: ActorDefinition,
  args: unknown[],
  context: JobContext,
  timeoutMs: number,
): Promise<unknown> {
  const run = Promise.resolve().then(() => actor.fn.apply(context, args));
  const attemptAbort = JobContext.controller(context);
  let timer: LongTimeout | undefined;
  try {
    return await Promise.race([
      run,
      new Promise<never>((_, reject) => {
        timer = setLongTimeout(() => {
          const error = new JobTimeoutError(actor.name, timeoutMs);
          attemptAbort.abort(error);
          reject(error);
        }, timeoutMs);
      }),
    ]);
  } finally {
    timer?.clear();
  }
}

/**
 * The `this` of an attempt. A class, not an object literal with a `get
 * signal()`: each evaluation of such a literal makes a new getter in a new
 * AccessorPair, which V8 allocates in old space, so the attempt's closures
 * (and the running job and its arguments, which they hold) outlived every
 * scavenge until the next full GC: ~1.5 KB promoted per job.
 *
 * It also holds the attempt's AbortController, made only when needed (the
 * actor reads `this.signal`, a timeout is set, or the actor runs on a
 * thread): most actors never look at it, and one per job (with its listener
 * and the abort event at the end) is a measurable part of a short job's
 * cost. The runner reaches it through static methods, so that an actor's
 * `this` shows nothing more than the {@linkcode JobContextShape}. Named
 * `JobContext`, the documented type of `this`, since an actor's stack frames
 * name it (`at JobContext.my_actor`).
 */
class JobContext implements JobContextShape {
  readonly progress: (value: unknown) => void;
  readonly #r: RunningJob;
  #controller: AbortController | undefined;
  /** Forwards the abort of the job's run to the attempt (once the controller is made). */
  #forward: (() => void) | undefined;
  #ended = false;

  constructor(
    readonly jobId: string,
    readonly queue: string,
    readonly partition: number,
    readonly actor: string,
    readonly attempt: number,
    readonly deliveries: number,
    r: RunningJob,
    newReporter: (r: RunningJob) => ProgressReporter,
  ) {
    this.#r = r;
    // an own function (not a method): an actor may call it detached from `this`
    this.progress = (value) => (r.progress ??= newReporter(r)).report(value);
  }

  get signal(): AbortSignal {
    return JobContext.controller(this).signal;
  }

  /** The attempt's controller, made when first asked for; aborted once the attempt ended. */
  static controller(c: JobContext): AbortController {
    if (!c.#controller) {
      const controller = c.#controller = new AbortController();
      const parent = c.#r.controller.signal;
      if (c.#ended) controller.abort(new Error("The attempt has ended"));
      else if (parent.aborted) controller.abort(parent.reason);
      else {
        c.#forward = () => controller.abort(parent.reason);
        parent.addEventListener("abort", c.#forward, { once: true });
      }
    }
    return c.#controller;
  }

  /** The attempt has ended: its signal (if made) aborts, and no longer follows the job's. */
  static end(c: JobContext): void {
    c.#ended = true;
    const controller = c.#controller;
    if (!controller) return;
    if (c.#forward) c.#r.controller.signal.removeEventListener("abort", c.#forward);
    if (!controller.signal.aborted) controller.abort(new Error("The attempt has ended"));
  }
}

/** How an attempt ended: its value (and its JSON), or its error. */
type AttemptOutcome = { ok: true; json: string; value: unknown } | { ok: false; error: JobError };

/** The outcome of an attempt of `actor` that returned `value` (refused when not JSON). */
function outcomeOf(actor: ActorDefinition, value: unknown): AttemptOutcome {
  if (value === undefined) value = null;
  const problem = jsonProblem(value, "result");
  if (problem) {
    return { ok: false, error: toJobError(new NonJsonResultError(actor.name, problem)) };
  }
  return { ok: true, json: stringifyJson(value), value };
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
