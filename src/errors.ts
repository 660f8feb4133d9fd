/**
 * Errors raised by Repid. Every error the library creates on purpose is a
 * {@linkcode RepidError}, except wrong arguments, which raise the built-in
 * `TypeError` or `RangeError` naming the value and what was expected.
 *
 * @module
 */

/**
 * The base class of every error Repid raises on purpose.
 *
 * @example Telling Repid's errors apart from others
 * ```ts
 * import { RepidError } from "@repid/repid";
 *
 * function describe(error: unknown): string {
 *   return error instanceof RepidError ? `repid: ${error.message}` : String(error);
 * }
 * ```
 */
export class RepidError extends Error {
  /**
   * Creates an error with a message and an optional cause.
   *
   * @param message What failed, and the value that made it fail.
   * @param options The standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Waiting for a job's result took longer than the `timeoutMs` that was given.
 *
 * @example
 * ```ts
 * import { Repid, ResultTimeoutError } from "@repid/repid";
 *
 * const producer = new Repid("memory://");
 * const job = await producer.enqueueJob("nobody_runs_this", { queue: "docs-unserved" });
 * try {
 *   await job.waitResult({ timeoutMs: 100 });
 * } catch (error) {
 *   if (error instanceof ResultTimeoutError) console.log("still running");
 * }
 * await producer.close();
 * ```
 */
export class ResultTimeoutError extends RepidError {
  /** The id of the job whose result did not arrive in time. */
  readonly jobId: string;
  /**
   * Creates the error for a wait that ran out of time.
   *
   * @param jobId The job that was waited for.
   * @param timeoutMs How long the wait lasted, in milliseconds.
   */
  constructor(jobId: string, timeoutMs: number) {
    super(`Cannot get the result of job "${jobId}": not finished within ${timeoutMs} ms`);
    this.jobId = jobId;
  }
}

/**
 * A job ran longer than its `timeoutMs` and was stopped. Stored in the job's
 * result (as its error's `name`, `"TimeoutError"`) and handed to retries.
 *
 * @example
 * ```ts
 * import { JobTimeoutError } from "@repid/repid";
 *
 * const error = new JobTimeoutError("resize", 5_000);
 * console.log(error.name, error.message);
 * ```
 */
export class JobTimeoutError extends RepidError {
  /**
   * Creates the error for a run that was stopped.
   *
   * @param actor The actor whose run was stopped.
   * @param timeoutMs The limit that was passed, in milliseconds.
   */
  constructor(actor: string, timeoutMs: number) {
    super(`Job of actor "${actor}" timed out after ${timeoutMs} ms`);
    this.name = "TimeoutError";
  }
}

/**
 * A worker tried to change a job whose lease it no longer holds: the lease
 * expired and the job was handed to another worker, or the job finished
 * elsewhere. The write was refused and nothing was changed.
 *
 * @example
 * ```ts
 * import { LeaseLostError } from "@repid/repid";
 *
 * const error = new LeaseLostError("job-1", "complete");
 * console.log(error.message);
 * ```
 */
export class LeaseLostError extends RepidError {
  /** The job whose write was refused. */
  readonly jobId: string;
  /**
   * Creates the error for a refused write.
   *
   * @param jobId The job whose write was refused.
   * @param action The refused transition, such as `"complete"`.
   */
  constructor(jobId: string, action: string) {
    super(`Cannot ${action} job "${jobId}": this worker no longer holds its lease`);
    this.jobId = jobId;
  }
}

/**
 * An actor returned a value that cannot be stored as JSON. The job fails
 * with this error stored in its result.
 *
 * @example
 * ```ts
 * import { NonJsonResultError } from "@repid/repid";
 *
 * console.log(new NonJsonResultError("my_actor", "result is a function").message);
 * ```
 */
export class NonJsonResultError extends RepidError {
  /**
   * Creates the error for a value that cannot be stored.
   *
   * @param actor The actor that returned the value.
   * @param detail What is wrong with the value.
   */
  constructor(actor: string, detail: string) {
    super(`Cannot store the result of actor "${actor}": ${detail}`);
  }
}

/**
 * Why a store cannot serve a command for now (see
 * {@linkcode StoreUnavailableError}): `"unreachable"` (no connection),
 * `"out_of_memory"` (Redis `maxmemory` reached under the `noeviction`
 * policy), `"loading"` (Redis is loading its data after a restart), `"busy"`
 * (a long script blocks Redis), `"read_only"` (connected to a replica, as
 * after a failover), or `"unavailable"` (another passing state, such as a
 * cluster that is down).
 */
export type StoreCondition =
  | "unreachable"
  | "out_of_memory"
  | "loading"
  | "busy"
  | "read_only"
  | "unavailable";

/** What a user can do about each condition, for the messages. */
const CONDITION_TEXT: Record<StoreCondition, string> = {
  unreachable: "the store did not answer",
  out_of_memory: "the store is out of memory (Redis maxmemory reached with the noeviction " +
    "policy); free memory (shorter resultTtlMs, a retention limit, fewer waiting jobs) or raise maxmemory, then retry",
  loading: "the store is loading its data after a restart; retry in a moment",
  busy: "the store is busy running a long script; retry in a moment",
  read_only: "the store is a read-only replica (after a failover?); connect to the primary",
  unavailable: "the store cannot serve commands for now; retry in a moment",
};

/**
 * The store cannot serve a command for now: the connection is down, Redis is
 * out of memory, loading its data, busy with a long script, or read-only.
 * The command may work later: a worker waits and retries by itself (and
 * leases no new jobs while its writes are refused); a producer's call
 * rejects with this error, whose message says what to do.
 *
 * @example Retrying an enqueue later
 * ```ts ignore
 * import { StoreUnavailableError } from "@repid/repid";
 *
 * try {
 *   await producer.enqueueJob("resize", { args: [url] });
 * } catch (error) {
 *   if (error instanceof StoreUnavailableError && error.condition === "out_of_memory") {
 *     console.log("Redis is full: try again later");
 *   } else throw error;
 * }
 * ```
 */
export class StoreUnavailableError extends RepidError {
  /** Why the store cannot serve the command. */
  readonly condition: StoreCondition;
  /**
   * Creates the error for a command the store could not serve.
   *
   * @param action What could not be done, such as `"enqueue job"`.
   * @param condition Why the store could not serve it.
   * @param cause The store's own error.
   */
  constructor(action: string, condition: StoreCondition, cause: unknown) {
    super(`Cannot ${action}: ${CONDITION_TEXT[condition]} (${messageOf(cause)})`, { cause });
    this.condition = condition;
  }
}

/**
 * A command could not reach the store (for example Redis is down and the
 * client gave up retrying): a {@linkcode StoreUnavailableError} whose
 * `condition` is `"unreachable"`.
 *
 * @example
 * ```ts
 * import { ConnectionError } from "@repid/repid";
 *
 * console.log(new ConnectionError("enqueue job", new Error("ECONNREFUSED")).message);
 * ```
 */
export class ConnectionError extends StoreUnavailableError {
  /**
   * Creates the error for a command the store did not answer.
   *
   * @param action What could not be done.
   * @param cause The underlying client error.
   */
  constructor(action: string, cause: unknown) {
    super(action, "unreachable", cause);
  }
}

/**
 * The store refused a command for good: retrying it unchanged fails again
 * (for example a key of another type where a queue's key should be, or a
 * record a script cannot read). The store's own error is the `cause`.
 *
 * @example
 * ```ts
 * import { StoreRefusedError } from "@repid/repid";
 *
 * const error = new StoreRefusedError("enqueue job", new Error("WRONGTYPE"));
 * console.log(error.message);
 * ```
 */
export class StoreRefusedError extends RepidError {
  /**
   * Creates the error for a refused command.
   *
   * @param action What was refused, such as `"enqueue job"`.
   * @param cause The store's own error.
   */
  constructor(action: string, cause: unknown) {
    super(`Cannot ${action}: the store refused it (${messageOf(cause)})`, { cause });
  }
}

/**
 * The producer was closed: a wait for a result that was pending, or any
 * call made after `close()` (an enqueue, a wait, a look-up), rejects with
 * this error.
 *
 * @example
 * ```ts ignore
 * import { ProducerClosedError } from "@repid/repid";
 *
 * const waiting = job.result;
 * await producer.close();
 * await waiting.catch((error) => console.log(error instanceof ProducerClosedError));
 * ```
 */
export class ProducerClosedError extends RepidError {
  /**
   * Creates the error for a call on a closed producer.
   *
   * @param action What could not be done, such as `get the result of job "a"`.
   */
  constructor(action: string) {
    super(`Cannot ${action}: the producer was closed`);
  }
}

/**
 * The reason a running job's `signal` aborts when the worker stops before
 * the job finished within the grace period (its lease is handed back and
 * the job runs again elsewhere).
 *
 * @example
 * ```ts ignore
 * import { WorkerShutdownError } from "@repid/repid";
 *
 * worker.actor(async function crawl(this: JobContext, url: string) {
 *   try {
 *     return await fetch(url, { signal: this.signal });
 *   } catch (error) {
 *     if (this.signal.reason instanceof WorkerShutdownError) console.log("handed back");
 *     throw error;
 *   }
 * });
 * ```
 */
export class WorkerShutdownError extends RepidError {
  /** Creates the abort reason of a job stopped by a shutdown. */
  constructor() {
    super("The worker is shutting down");
  }
}

/**
 * A job was cancelled (`job.cancel()`): the abort reason of a running job's
 * `this.signal`, and the error stored in a cancelled job's result. A
 * cancelled job is not retried, and a value its actor returns afterwards is
 * discarded.
 *
 * @example Stopping work when the job is cancelled
 * ```ts
 * import { JobCancelledError, type JobContext, Worker } from "@repid/repid";
 *
 * const worker = new Worker("memory://", { logger: "silent" });
 * worker.actor(async function download(this: JobContext, url: string) {
 *   try {
 *     return await (await fetch(url, { signal: this.signal })).text();
 *   } catch (error) {
 *     if (this.signal.reason instanceof JobCancelledError) console.log("cancelled");
 *     throw error;
 *   }
 * });
 * ```
 */
export class JobCancelledError extends RepidError {
  /** The cancelled job's id. */
  readonly jobId: string;
  /**
   * Creates the error for a cancelled job.
   *
   * @param jobId The cancelled job.
   */
  constructor(jobId: string) {
    super(`Job "${jobId}" was cancelled`);
    this.jobId = jobId;
  }
}

/** The message of an error, or the value as text. */
function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * No job with the given id exists (it never did, or its result expired).
 *
 * @example
 * ```ts
 * import { JobNotFoundError } from "@repid/repid";
 *
 * console.log(new JobNotFoundError("job-1", "default").message);
 * ```
 */
export class JobNotFoundError extends RepidError {
  /** The id that was looked up. */
  readonly jobId: string;
  /**
   * Creates the error for an unknown job id.
   *
   * @param jobId The id that was looked up.
   * @param queue The queue it was looked up in.
   */
  constructor(jobId: string, queue: string) {
    super(`Cannot find job "${jobId}" in queue "${queue}": unknown id, or its result expired`);
    this.jobId = jobId;
  }
}

/**
 * No job or schedule was ever added to the queue of that name (under the
 * producer's prefix), so it has nothing to count, list or act on: often a
 * mistyped name, or another `prefix`.
 *
 * @example
 * ```ts
 * import { QueueNotFoundError } from "@repid/repid";
 *
 * console.log(new QueueNotFoundError("emials", ["emails"]).message);
 * ```
 */
export class QueueNotFoundError extends RepidError {
  /** The queue name that was looked up. */
  readonly queue: string;
  /**
   * Creates the error for an unknown queue.
   *
   * @param queue The queue name that was looked up.
   * @param known The queues that exist.
   * @param action What could not be done.
   */
  constructor(queue: string, known: readonly string[], action = "Cannot find queue") {
    const shown = known.slice(0, 20).map((q) => JSON.stringify(q)).join(", ");
    super(
      `${action}: no job or schedule was ever added to queue "${queue}" (known queues: ${
        shown || "none"
      }${known.length > 20 ? ", …" : ""})`,
    );
    this.queue = queue;
  }
}

/**
 * A thread actor's module could not be loaded in its thread, or lacks the
 * export the actor names (or that export is not a function). The job fails
 * with this error stored in its result; the worker keeps running.
 *
 * @example
 * ```ts
 * import { ActorLoadError } from "@repid/repid";
 *
 * const error = new ActorLoadError("resize", "file:///app/resize.ts", 'it has no export "default"');
 * console.log(error.message);
 * ```
 */
export class ActorLoadError extends RepidError {
  /** The URL of the module that was loaded. */
  readonly module: string;
  /**
   * Creates the error for an actor whose module could not be used.
   *
   * @param actor The actor whose module failed.
   * @param module The module's URL.
   * @param detail What went wrong.
   * @param options The standard error options (`cause`).
   */
  constructor(actor: string, module: string, detail: string, options?: ErrorOptions) {
    super(`Cannot load actor "${actor}" from module ${module}: ${detail}`, options);
    this.module = module;
  }
}

/**
 * The thread running a job died without an answer: an uncaught error or
 * rejection in the thread, or the thread exited. The job fails with this
 * error (retried if retries remain) and the thread is replaced.
 *
 * @example
 * ```ts
 * import { ThreadCrashError } from "@repid/repid";
 *
 * console.log(new ThreadCrashError("resize", "Uncaught TypeError: boom").message);
 * ```
 */
export class ThreadCrashError extends RepidError {
  /**
   * Creates the error for a job whose thread died.
   *
   * @param actor The actor whose thread crashed.
   * @param detail What the thread reported, such as the uncaught error.
   */
  constructor(actor: string, detail: string) {
    super(`Thread running actor "${actor}" crashed: ${detail}`);
  }
}

/**
 * `enqueueJob()` with `unknownActors: "refuse"`: no running worker has the
 * actor on that queue (per the workers' registry), so the job would wait
 * until one does. Nothing was enqueued.
 *
 * @example
 * ```ts
 * import { UnknownActorError } from "@repid/repid";
 *
 * console.log(new UnknownActorError("strng_length", "default", ["string_length (default)"]).message);
 * ```
 */
export class UnknownActorError extends RepidError {
  /** The actor asked for. */
  readonly actor: string;
  /** The queue it was asked for on. */
  readonly queue: string;
  /**
   * Creates the error for an actor no running worker has.
   *
   * @param actor The actor's name.
   * @param queue The queue.
   * @param served What the running workers serve, as `actor (queue)`.
   */
  constructor(actor: string, queue: string, served: readonly string[]) {
    super(
      `Cannot enqueue job: no running worker has actor "${actor}" on queue "${queue}" (${
        served.length === 0
          ? "no worker is running"
          : `running workers serve ${served.slice(0, 20).join(", ")}${
            served.length > 20 ? ", …" : ""
          }`
      })`,
    );
    this.actor = actor;
    this.queue = queue;
  }
}

/**
 * With `durability: "replicated"`, no replica confirmed a write within
 * `replicaTimeoutMs`: the write is stored on the primary (and takes
 * effect), but a failover before a replica copies it would lose it.
 *
 * @example
 * ```ts ignore
 * import { ReplicationError } from "@repid/repid";
 *
 * try {
 *   await producer.enqueueJob("send_email", { args: ["a@example.com"] });
 * } catch (error) {
 *   if (error instanceof ReplicationError) console.log("stored on the primary only");
 * }
 * ```
 */
export class ReplicationError extends RepidError {
  /**
   * Creates the error for a write no replica confirmed in time.
   *
   * @param action What was written, such as "enqueue job".
   * @param queue The queue written to.
   * @param timeoutMs How long the wait for a replica lasted, in milliseconds.
   * @param why Why no replica confirmed it, when not the timeout.
   */
  constructor(action: string, queue: string, timeoutMs: number, why?: string) {
    super(
      `Cannot ${action} on queue "${queue}" with durability "replicated": ` +
        (why ??
          `no replica confirmed the write within ${timeoutMs} ms (it is stored on the primary only, which a failover may lose)`),
    );
  }
}

/**
 * A worker (from its actors' `partitions`) or a producer (from an actor
 * definition's) declares a partition count for a queue other than the one
 * recorded in the store by the first to declare it: producers spread the
 * queue's jobs over the recorded count, so a worker would leave some
 * partitions unserved or serve ones no producer fills. Such a worker does not
 * start; such an enqueue stores nothing.
 *
 * @example
 * ```ts
 * import { PartitionsMismatchError } from "@repid/repid";
 *
 * console.log(new PartitionsMismatchError("emails", 4, 2).message);
 * ```
 */
export class PartitionsMismatchError extends RepidError {
  /** The queue. */
  readonly queue: string;
  /** The partition count recorded in the store. */
  readonly recorded: number;
  /** The partition count declared. */
  readonly declared: number;
  /**
   * Creates the error for a disagreeing partition count.
   *
   * @param queue The queue.
   * @param recorded The count recorded in the store.
   * @param declared The count declared.
   * @param action What could not be done.
   */
  constructor(queue: string, recorded: number, declared: number, action = "Cannot start worker") {
    super(
      `${action}: queue "${queue}" has ${recorded} partition${
        recorded === 1 ? "" : "s"
      } recorded in the store, but its actor declares partitions: ${declared}; ` +
        `give every actor of the queue partitions: ${recorded} (to change the count, see the ` +
        `README's "Partitioned queues")`,
    );
    this.queue = queue;
    this.recorded = recorded;
    this.declared = declared;
  }
}
