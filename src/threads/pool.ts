/**
 * A bounded pool of threads for sync actors. Threads start when first needed
 * (at most `size`), then stay and are reused; calls wait in order for a free
 * thread. A thread that crashes, or whose call is stopped (timeout, abort),
 * is terminated and replaced.
 *
 * @module
 */

import type { JobError } from "../core/job.ts";
import { toJobError } from "../core/job_error.ts";
import { type Deferred, deferred } from "../core/sleep.ts";
import { type LongTimeout, setLongTimeout } from "../core/long_timeout.ts";
import { ActorLoadError, NonJsonResultError, RepidError, ThreadCrashError } from "../errors.ts";
import type { Logger } from "../log.ts";
import {
  defaultThreadApi,
  spawnThread,
  type ThreadApi,
  threadEntryUrl,
  type ThreadHandle,
} from "../runtime/threads.ts";
import type { ThreadJobContext, ThreadMessage } from "./protocol.ts";

/** Options of a {@linkcode ThreadPool}. */
export interface ThreadPoolOptions {
  /** The most threads to run at once (at least 1). */
  size: number;
  /**
   * The thread API.
   * @default {"web" where a global Worker exists, else "node"}
   */
  api?: ThreadApi;
  /**
   * The entry file each thread runs.
   * @default {src/threads/entry.ts (.js when compiled)}
   */
  entry?: URL;
  /** Where to report crashed threads. */
  logger?: Logger;
}

/** One call of an actor's function in a thread. */
export interface ThreadCall {
  /** The actor's name (for error messages). */
  actor: string;
  /** The module's URL. */
  module: string;
  /** The export to call. */
  exportName: string;
  /**
   * The arguments as JSON text (a JSON array), parsed in the thread: text
   * crosses to the thread at any nesting depth, where a structured clone of
   * deeply nested values would exhaust the stack.
   */
  argsJson: string;
  /** The function's `this`. */
  context: ThreadJobContext;
}

/** How a call may be stopped. */
export interface ThreadCallOptions {
  /** Aborting stops the call: it rejects with the reason and its thread is replaced. */
  signal?: AbortSignal;
  /** Stop the call this long after a thread starts it (waiting for a thread is not counted). */
  timeoutMs?: number;
  /** The rejection reason at the timeout. */
  timeoutError?: () => unknown;
  /** Called with each progress the call reports (`this.progress(value)`, as JSON). */
  onProgress?: (json: string) => void;
}

interface Task {
  id: number;
  call: ThreadCall;
  options: ThreadCallOptions;
  result: Deferred<string>;
  thread?: Thread;
  timer?: LongTimeout;
  onAbort?: () => void;
}

interface Thread {
  serial: number;
  handle?: ThreadHandle;
  ready: boolean;
  dead: boolean;
  task?: Task;
}

/**
 * Runs exported functions of modules on a bounded set of reused threads.
 *
 * @example
 * ```ts ignore
 * const pool = new ThreadPool({ size: 2 });
 * const json = await pool.run({
 *   actor: "count",
 *   module: new URL("./count.ts", import.meta.url).href,
 *   exportName: "default",
 *   argsJson: '["hello"]',
 *   context: { jobId: "1", queue: "default", partition: 0, actor: "count", attempt: 1, deliveries: 1 },
 * });
 * await pool.close();
 * ```
 */
export class ThreadPool {
  readonly size: number;
  readonly #api: ThreadApi;
  readonly #entry: URL;
  readonly #log: Logger | undefined;
  readonly #threads = new Set<Thread>();
  readonly #queue: Task[] = [];
  #closed = false;
  #taskSeq = 0;
  #threadSeq = 0;

  constructor(options: ThreadPoolOptions) {
    if (!Number.isSafeInteger(options.size) || options.size < 1) {
      throw new RangeError(
        `Cannot create thread pool: size is ${options.size}, expected an integer ≥ 1`,
      );
    }
    this.size = options.size;
    this.#api = options.api ?? defaultThreadApi();
    this.#entry = options.entry ?? threadEntryUrl();
    this.#log = options.logger;
  }

  /** How many threads are running or starting. */
  get threadCount(): number {
    return this.#threads.size;
  }

  /** How many calls are running in a thread now. */
  get busyCount(): number {
    let n = 0;
    for (const t of this.#threads) if (t.task) n++;
    return n;
  }

  /** How many calls wait for a free thread. */
  get waitingCount(): number {
    return this.#queue.length;
  }

  /**
   * Runs one call on a free thread (waiting for one) and resolves with its
   * returned value as JSON. Rejects with the thrown error (its name, message
   * and stack), `ActorLoadError`, `NonJsonResultError`, `ThreadCrashError`,
   * the timeout error, or the signal's reason.
   */
  run(call: ThreadCall, options: ThreadCallOptions = {}): Promise<string> {
    if (this.#closed) return Promise.reject(closedError(call.actor));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const task: Task = { id: ++this.#taskSeq, call, options, result: deferred<string>() };
    if (signal) {
      task.onAbort = () => this.#stop(task, signal.reason);
      signal.addEventListener("abort", task.onAbort, { once: true });
    }
    this.#queue.push(task);
    this.#dispatch();
    return task.result.promise;
  }

  /** Terminates every thread; calls still running or waiting reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const task of this.#queue.splice(0)) this.#settle(task, closedError(task.call.actor));
    const stopping: Promise<void>[] = [];
    for (const thread of [...this.#threads]) {
      if (thread.task) this.#settle(thread.task, closedError(thread.task.call.actor));
      stopping.push(this.#kill(thread));
    }
    await Promise.all(stopping);
  }

  #dispatch(): void {
    if (this.#closed) return;
    while (this.#queue.length > 0) {
      const idle = [...this.#threads].find((t) => t.ready && t.handle && !t.task);
      if (!idle) break;
      this.#assign(idle, this.#queue.shift()!);
    }
    let starting = 0;
    for (const t of this.#threads) if (!t.ready) starting++;
    const wanted = Math.min(this.#queue.length - starting, this.size - this.#threads.size);
    for (let i = 0; i < wanted; i++) this.#spawn();
  }

  #assign(thread: Thread, task: Task): void {
    thread.task = task;
    task.thread = thread;
    thread.handle!.hold(true);
    const { call, options } = task;
    if (options.timeoutMs !== undefined) {
      task.timer = setLongTimeout(() => this.#stop(task, timeoutReason(task)), options.timeoutMs);
    }
    thread.handle!.post({
      type: "run",
      id: task.id,
      module: call.module,
      exportName: call.exportName,
      argsJson: call.argsJson,
      context: call.context,
      timeoutMs: options.timeoutMs,
    });
  }

  #spawn(): void {
    const thread: Thread = { serial: ++this.#threadSeq, ready: false, dead: false };
    this.#threads.add(thread);
    spawnThread(
      this.#entry,
      {
        message: (data) => this.#onMessage(thread, data as ThreadMessage),
        died: (error) => this.#onDied(thread, error),
      },
      this.#api,
      `repid-${this.#threadSeq}`,
    ).then(
      (handle) => {
        thread.handle = handle;
        if (thread.dead || this.#closed) void handle.terminate();
        else this.#dispatch();
      },
      (error) => this.#onDied(thread, toJobError(error)),
    );
  }

  #onMessage(thread: Thread, message: ThreadMessage): void {
    if (thread.dead) return;
    switch (message?.type) {
      case "ready":
        thread.ready = true;
        this.#dispatch();
        if (!thread.task) thread.handle?.hold(false);
        return;
      case "crash":
        this.#onDied(thread, message.error);
        return;
      case "progress": {
        const task = thread.task;
        if (task && task.id === message.id) task.options.onProgress?.(message.json);
        return;
      }
      case "done":
      case "failed": {
        const task = thread.task;
        if (!task || task.id !== message.id) return;
        if (message.type === "failed" && message.kind === "timeout") {
          // Interrupted inside the thread: replace it, as at the timer.
          this.#stop(task, timeoutReason(task));
          return;
        }
        thread.task = undefined;
        thread.handle?.hold(false);
        if (message.type === "done") this.#settle(task, undefined, message.json);
        else this.#settle(task, failure(task.call, message.kind, message.error));
        this.#dispatch();
        return;
      }
    }
  }

  /** A thread died by itself: fail its call, then replace it. */
  #onDied(thread: Thread, error: JobError): void {
    if (thread.dead) return;
    const wasReady = thread.ready;
    void this.#kill(thread);
    if (this.#closed) return;
    const detail = error.message.startsWith("Uncaught")
      ? error.message
      : `${error.name}: ${error.message}`;
    const task = thread.task ?? (wasReady ? undefined : this.#queue.shift());
    if (task) {
      const crash = new ThreadCrashError(
        task.call.actor,
        wasReady ? detail : `the thread did not start (${detail})`,
      );
      if (error.stack) crash.stack = `${crash.name}: ${crash.message}\nCaused by: ${error.stack}`;
      this.#settle(task, crash);
    }
    this.#log?.warn(wasReady ? "thread crashed; replacing it" : "thread did not start", {
      thread: thread.serial,
      error: detail,
    });
    this.#replace(wasReady);
  }

  /** Stops a call: drops it from the queue, or terminates its thread. */
  #stop(task: Task, reason: unknown): void {
    const queued = this.#queue.indexOf(task);
    if (queued >= 0) this.#queue.splice(queued, 1);
    const thread = task.thread;
    this.#settle(task, reason);
    if (thread && thread.task === task && !thread.dead) {
      void this.#kill(thread);
      this.#replace(true);
    }
  }

  #replace(eager: boolean): void {
    if (this.#closed) return;
    this.#dispatch();
    if (eager && this.#threads.size < this.size) this.#spawn();
  }

  #kill(thread: Thread): Promise<void> {
    thread.dead = true;
    this.#threads.delete(thread);
    return thread.handle?.terminate() ?? Promise.resolve();
  }

  #settle(task: Task, error: unknown, json?: string): void {
    task.timer?.clear();
    if (task.onAbort) task.options.signal?.removeEventListener("abort", task.onAbort);
    if (json === undefined) task.result.reject(error);
    else task.result.resolve(json);
  }
}

function timeoutReason(task: Task): unknown {
  const { options, call } = task;
  return options.timeoutError?.() ??
    new RepidError(`Job of actor "${call.actor}" timed out after ${options.timeoutMs} ms`);
}

function closedError(actor: string): RepidError {
  return new RepidError(`Cannot run job of actor "${actor}": the thread pool is closed`);
}

function failure(call: ThreadCall, kind: string, error: JobError): Error {
  switch (kind) {
    case "load":
      return new ActorLoadError(call.actor, call.module, `${error.name}: ${error.message}`, {
        cause: rebuild(error),
      });
    case "export":
      return new ActorLoadError(call.actor, call.module, error.message);
    case "json":
      return new NonJsonResultError(call.actor, error.message);
    default:
      return rebuild(error);
  }
}

/** An Error carrying the name, message and stack that came from the thread. */
function rebuild(error: JobError): Error {
  const e = new Error(error.message);
  e.name = error.name;
  e.stack = error.stack ?? `${error.name}: ${error.message}`;
  return e;
}
