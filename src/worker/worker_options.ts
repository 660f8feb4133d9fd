/**
 * The options of a {@linkcode Worker} and of its `runForever()` and `stop()`,
 * with their defaults and checks.
 *
 * @module
 */

import type { Retention } from "../core/queue_state.ts";
import type { Durability } from "../backend/redis/durability.ts";
import type { Backend } from "../backend/backend.ts";
import { assertPrefix } from "../core/names.ts";
import { assertCount, assertDuration, DAY_MS, HOUR_MS } from "../core/time.ts";
import type { Logger, LogLevel } from "../log.ts";

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
   * How long a lease lasts, in milliseconds, from 100 to 86400000 (one day).
   * A running job's lease is renewed every third of it; a job whose worker
   * died runs elsewhere once it expires.
   * @default {30000}
   */
  leaseMs?: number;
  /**
   * How long an idle worker blocks in Redis before it looks again for expired
   * leases, in milliseconds, from 10 to 3600000 (one hour); it also wakes
   * when work arrives or a deferred job falls due.
   * @default {5000}
   */
  idleMs?: number;
  /**
   * How long `stop()` and the signal handlers let running jobs finish before
   * their leases are handed back, in milliseconds: any safe integer ≥ 0
   * (durations past the 24.9 days of one timer are kept too). Past it the
   * store gets at most 2 s to take the leases back and 2 s to close, so a
   * stop returns within about `graceMs` + 4 s even while the store does not
   * answer (jobs it could not hand back are then left to their leases, and
   * logged).
   * @default {10000}
   */
  graceMs?: number;
  /**
   * How long a finished job's result is kept, in milliseconds: any safe
   * integer ≥ 1 (the store expires it; no timer). Actors and jobs may
   * override it. A small finished job costs about 550 bytes of Redis memory
   * plus its arguments and result (see the README's "Sizing"): at 1,000 jobs
   * a second the default keeps about 3.6 million results, about 2 GB.
   * @default {3600000 (one hour)}
   */
  resultTtlMs?: number;
  /**
   * How many finished jobs of each state (`done`, `failed`, `dead`,
   * `cancelled`) a queue keeps at most, besides `resultTtlMs`: when a job
   * finishes beyond the limit, the oldest of its state are deleted. A state
   * left out, or 0, has no limit. With the `backend` option, give it to the
   * backend instead.
   * @default {{} (no limit: the result TTL alone)}
   */
  retention?: Retention;
  /**
   * How long a job for an actor this worker lacks is held back before it is
   * delivered again (to this or another worker), in milliseconds, from 10
   * (so that a worker lacking an actor never spins on its jobs) to 86400000
   * (one day).
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
   * Load each sync actor's module once in a thread at `runForever()`, and
   * refuse to start (an `ActorLoadError` naming the URL and the exports
   * found) when one does not load or lacks its export. With `false`, such
   * jobs fail with `ActorLoadError` when they run.
   * @default {true}
   */
  checkThreadActors?: boolean;
  /**
   * Where to log, or the level of the console logger.
   * @default {"warn"}
   */
  logger?: Logger | LogLevel;
  /**
   * The store; overrides the `redis` argument (for example an in-memory backend).
   * @default {undefined (the store of the `redis` argument)}
   */
  backend?: Backend;
  /**
   * Whether acks (and schedule advances) also wait for a replica to confirm them (`WAIT`):
   * `"replicated"` fails nothing: an ack no replica confirmed stands on the primary and is logged (warn) when none does within `replicaTimeoutMs`.
   * See the README's "What replication does and does not keep".
   * @default {"primary"}
   */
  durability?: Durability;
  /**
   * With `durability: "replicated"`, how long a write waits for a replica, in milliseconds.
   * @default {1000}
   */
  replicaTimeoutMs?: number;
  /**
   * Keep the worker's Prometheus metrics (`worker.metrics()`, the `/metrics`
   * of `worker.fetchHandler`); with `false`, `/metrics` answers 404.
   * @default {true}
   */
  metrics?: boolean;
  /**
   * Trace each attempt with OpenTelemetry (`@opentelemetry/api`): a
   * `process <queue>` CONSUMER span, a child of the producer's `send` span
   * when the job carries its `traceparent`. A no-op until the application
   * registers an OpenTelemetry SDK.
   * @default {true}
   */
  tracing?: boolean;
}

/** Options of {@linkcode Worker.stop}. */
export interface StopOptions {
  /**
   * How long running jobs may still finish, in milliseconds: any safe
   * integer ≥ 0.
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
  /**
   * Stops the worker gracefully when aborted.
   * @default {undefined (only `stop()` and the signals stop it)}
   */
  signal?: AbortSignal;
}

/** The defaults of the options a worker parses (the others have their own). */
const DEFAULTS = {
  prefix: "repid",
  concurrency: 10,
  leaseMs: 30_000,
  idleMs: 5_000,
  graceMs: 10_000,
  resultTtlMs: 3_600_000,
  unknownActorDelayMs: 1_000,
  unknownActorLimit: 0,
  maxStalls: 5,
  checkThreadActors: true,
  metrics: true,
  tracing: true,
};

/** A worker's options with their defaults filled in and checked. */
export type ResolvedWorkerOptions = typeof DEFAULTS;

/**
 * Fills in the defaults of `options` and checks them; throws a
 * `TypeError`/`RangeError` naming a bad value.
 *
 * @example
 * ```ts
 * import { resolveWorkerOptions } from "./worker_options.ts";
 *
 * const opts = resolveWorkerOptions({ concurrency: 4 }, "Cannot create worker");
 * console.assert(opts.concurrency === 4 && opts.leaseMs === 30_000);
 * ```
 */
export function resolveWorkerOptions(
  options: WorkerOptions,
  action: string,
): ResolvedWorkerOptions {
  const o = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const v = options[key];
    if (v !== undefined) (o as Record<string, unknown>)[key] = v;
  }
  assertCount(o.concurrency, "concurrency", action, 1);
  assertDuration(o.leaseMs, "leaseMs", action, 100, DAY_MS);
  assertDuration(o.idleMs, "idleMs", action, 10, HOUR_MS);
  assertDuration(o.graceMs, "graceMs", action);
  assertDuration(o.resultTtlMs, "resultTtlMs", action, 1);
  assertDuration(o.unknownActorDelayMs, "unknownActorDelayMs", action, 10, DAY_MS);
  assertCount(o.unknownActorLimit, "unknownActorLimit", action);
  assertCount(o.maxStalls, "maxStalls", action);
  for (const key of ["checkThreadActors", "metrics", "tracing"] as const) {
    if (typeof o[key] !== "boolean") {
      throw new TypeError(`${action}: ${key} is ${JSON.stringify(o[key])}, expected a boolean`);
    }
  }
  assertPrefix(o.prefix, action);
  return o;
}
