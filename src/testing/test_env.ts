/**
 * Testing helpers: a worker and a producer on a private in-memory store, and
 * a `drain()` that resolves once every queued job has finished.
 *
 * @module
 */

import { MemoryBackend, type MemoryQueueCounts } from "../backend/memory/memory_backend.ts";
import { deferred } from "../core/sleep.ts";
import { setLongTimeout } from "../core/long_timeout.ts";
import { assertDuration, toEpochMs } from "../core/time.ts";
import { RepidError } from "../errors.ts";
import type { ActorMap } from "../core/actor_types.ts";
import type { AnyActors } from "../producer/enqueue_options.ts";
import { Repid, type RepidOptions } from "../producer/repid.ts";
import { Worker, type WorkerOptions } from "../worker/worker.ts";

/** Options of {@linkcode createTestEnv}. */
export interface TestEnvOptions {
  /**
   * Options of the environment's worker (its store is the environment's).
   * @default {{ logger: "silent", unknownActorLimit: 1 }: a job for an actor
   * the worker lacks is dead-lettered at once with reason `unknown_actor`}
   */
  worker?: Omit<WorkerOptions, "backend" | "prefix">;
  /**
   * Options of the environment's producer (its store is the environment's).
   * @default {{}}
   */
  producer?: Omit<RepidOptions, "backend" | "prefix">;
  /**
   * The store's clock, in UTC epoch milliseconds.
   * @default {Date.now}
   */
  now?: () => number;
}

/** Options of {@linkcode TestEnv.drain}. */
export interface DrainOptions {
  /**
   * Also wait for deferred jobs due at or before this time (`Date` or UTC
   * epoch ms) to run: `drain({ until: Date.now() + 2_000 })` lets a job
   * deferred by one second, or the occurrences of a recurring job within the
   * next two seconds, run. Without it, deferred jobs that are not due yet
   * are left waiting.
   * @default {undefined: only jobs already due}
   */
  until?: Date | number;
  /**
   * Reject with a {@linkcode DrainError} after this many milliseconds (any
   * safe integer ≥ 0).
   * @default {30000}
   */
  timeoutMs?: number;
}

/**
 * `drain()` could not finish: it timed out, a queue holds jobs that no actor
 * of the environment takes, or the environment was closed.
 *
 * @example
 * ```ts
 * import { createTestEnv, DrainError } from "@repid/repid/testing";
 *
 * const env = createTestEnv();
 * env.worker.actor(async function forever() {
 *   await new Promise(() => {});
 * }, { timeoutMs: 60_000 });
 * await env.producer.enqueueJob("forever");
 * try {
 *   await env.drain({ timeoutMs: 100 });
 * } catch (error) {
 *   if (error instanceof DrainError) console.log(error.message);
 * }
 * await env.close();
 * ```
 */
export class DrainError extends RepidError {}

/**
 * A worker and a producer on a private in-memory store, for a user's tests:
 * register actors on {@linkcode TestEnv.worker}, enqueue with
 * {@linkcode TestEnv.producer}, then `await env.drain()` and check results.
 * The worker starts at the first `drain()` (or `start()`), so register
 * every actor before.
 *
 * @example
 * ```ts
 * import { createTestEnv } from "@repid/repid/testing";
 *
 * const env = createTestEnv();
 * env.worker.actor(async function add(a: number, b: number) {
 *   return a + b;
 * });
 * const job = await env.producer.enqueueJob("add", { args: [2, 3] });
 * await env.drain();
 * console.log((await job.getResult())?.value); // 5
 * await env.close();
 * ```
 */
export class TestEnv<A extends ActorMap = AnyActors> {
  /** The in-memory store the worker and the producer share. */
  readonly backend: MemoryBackend;
  /** The worker: register actors on it before the first `drain()`. */
  readonly worker: Worker;
  /** The producer. */
  readonly producer: Repid<A>;
  #running: Promise<void> | undefined;
  #closed = false;
  readonly #closing = new AbortController();

  /**
   * Creates the store, the worker and the producer (the worker starts at the
   * first `drain()` or `start()`).
   *
   * @param options The worker's and producer's options, and the store's clock.
   */
  constructor(options: TestEnvOptions = {}) {
    this.backend = new MemoryBackend({ now: options.now });
    this.worker = new Worker(null, {
      logger: "silent",
      unknownActorLimit: 1,
      ...options.worker,
      backend: this.backend,
    });
    this.producer = new Repid<A>(null, { ...options.producer, backend: this.backend });
  }

  /**
   * Starts the worker if it is not running yet (`drain()` does it too).
   *
   * @example
   * ```ts
   * import { createTestEnv } from "@repid/repid/testing";
   *
   * const env = createTestEnv();
   * env.worker.actor(async function ping() {
   *   return "pong";
   * });
   * env.start();
   * await env.close();
   * ```
   */
  start(): void {
    if (this.#closed) throw new TypeError("Cannot start test environment: it is closed");
    if (this.#running || this.worker.actorNames.length === 0) return;
    this.#running = this.worker.runForever({ handleSignals: false });
  }

  /**
   * Runs jobs until none is queued, due or in progress, then resolves: every
   * job enqueued before (and every job those jobs enqueued) has finished.
   * Deferred jobs that are not due yet are left waiting unless
   * `options.until` covers them. Rejects with a {@linkcode DrainError} when
   * a queue holds due jobs that no registered actor takes, and after
   * `options.timeoutMs`.
   *
   * @example
   * ```ts
   * import { createTestEnv } from "@repid/repid/testing";
   *
   * const env = createTestEnv();
   * env.worker.actor(async function later() {});
   * await env.producer.enqueueJob("later", { deferUntil: Date.now() + 500 });
   * await env.drain({ until: Date.now() + 500 });
   * await env.close();
   * ```
   */
  async drain(options: DrainOptions = {}): Promise<void> {
    const action = "Cannot drain";
    const timeoutMs = assertDuration(options.timeoutMs ?? 30_000, "timeoutMs", action);
    const until = options.until === undefined
      ? -Infinity
      : toEpochMs(options.until, "until", action);
    if (this.#closed) throw new DrainError(`${action}: the test environment is closed`);
    this.start();
    const done = deferred<void>();
    const check = () => {
      const problem = this.#unserved(until);
      if (problem) done.reject(new DrainError(`${action}: ${problem}`));
      else if (isDrained(this.backend.counts(), until)) done.resolve();
    };
    const stop = this.backend.onChange(check);
    const onClose = () => done.reject(new DrainError(`${action}: the test environment was closed`));
    this.#closing.signal.addEventListener("abort", onClose, { once: true });
    const timer = setLongTimeout(() => {
      done.reject(
        new DrainError(`${action}: not finished after ${timeoutMs} ms (${this.#describe()})`),
      );
    }, timeoutMs);
    check();
    try {
      await done.promise;
    } finally {
      stop();
      timer.clear();
      this.#closing.signal.removeEventListener("abort", onClose);
    }
  }

  /**
   * How many jobs are queued, deferred, due and in progress now.
   *
   * @example
   * ```ts
   * import { createTestEnv } from "@repid/repid/testing";
   *
   * const env = createTestEnv();
   * await env.producer.enqueueJob("later", { deferUntil: Date.now() + 60_000 });
   * console.log(env.counts()); // { queued: 0, deferred: 1, due: 0, inProgress: 0, nextDueAt: … }
   * await env.close();
   * ```
   */
  counts(): MemoryQueueCounts {
    return this.backend.counts();
  }

  /**
   * Stops the worker (running jobs are abandoned), closes the producer and
   * drops the store.
   *
   * @example
   * ```ts
   * import { createTestEnv } from "@repid/repid/testing";
   *
   * const env = createTestEnv();
   * await env.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    if (this.#running) {
      await this.worker.stop({ graceMs: 0 });
      await this.#running;
    }
    await this.producer.close();
    this.backend.clear();
    await this.backend.close();
  }

  /** Why some due jobs can never run here, or `null`. */
  #unserved(until: number): string | null {
    const served = new Set(this.worker.queues);
    for (const queue of this.backend.queues()) {
      if (served.has(queue)) continue;
      const c = this.backend.counts(queue);
      if (!isDrained({ ...c, inProgress: 0 }, until)) {
        const names = this.worker.actorNames;
        return `queue "${queue}" holds ${c.queued + c.due} job(s) to run, but no actor of ` +
          `this test environment takes jobs from it (actors: ${
            names.length ? names.join(", ") : "none"
          }; queues: ${served.size ? [...served].join(", ") : "none"})`;
      }
    }
    return null;
  }

  #describe(): string {
    const c = this.backend.counts();
    return `${c.queued} queued, ${c.due} due, ${c.inProgress} in progress, ` +
      `${c.deferred - c.due} deferred for later`;
  }
}

function isDrained(c: MemoryQueueCounts, until: number): boolean {
  return c.queued === 0 && c.due === 0 && c.inProgress === 0 &&
    (c.nextDueAt === null || c.nextDueAt > until);
}

/**
 * Creates a {@linkcode TestEnv}: a worker and a producer on a private
 * in-memory store, for testing actors without Redis.
 *
 * @example Testing an actor
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTestEnv } from "@repid/repid/testing";
 *
 * const env = createTestEnv();
 * env.worker.actor(async function string_length(s: string) {
 *   return s.length;
 * });
 * const job = await env.producer.enqueueJob("string_length", { args: ["hello"] });
 * await env.drain();
 * assert.equal((await job.getResult())?.value, 5);
 * await env.close();
 * ```
 *
 * @param options The worker's and producer's options, and the store's clock.
 * @returns The environment; `close()` it at the end of the test.
 */
export function createTestEnv<A extends ActorMap = AnyActors>(
  options: TestEnvOptions = {},
): TestEnv<A> {
  return new TestEnv<A>(options);
}
