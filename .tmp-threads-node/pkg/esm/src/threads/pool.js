/**
 * A bounded pool of threads for sync actors. Threads start when first needed
 * (at most `size`), then stay and are reused; calls wait in order for a free
 * thread. A thread that crashes, or whose call is stopped (timeout, abort),
 * is terminated and replaced.
 *
 * @module
 */
import { toJobError } from "../core/job.js";
import { deferred } from "../core/sleep.js";
import { ActorLoadError, NonJsonResultError, RepidError, ThreadCrashError } from "../errors.js";
import { defaultThreadApi, spawnThread, threadEntryUrl, } from "../runtime/threads.js";
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
 *   args: ["hello"],
 *   context: { jobId: "1", queue: "default", actor: "count", attempt: 1, deliveries: 1 },
 * });
 * await pool.close();
 * ```
 */
export class ThreadPool {
    size;
    #api;
    #entry;
    #log;
    #threads = new Set();
    #queue = [];
    #closed = false;
    #taskSeq = 0;
    #threadSeq = 0;
    constructor(options) {
        if (!Number.isSafeInteger(options.size) || options.size < 1) {
            throw new RangeError(`Cannot create thread pool: size is ${options.size}, expected an integer ≥ 1`);
        }
        this.size = options.size;
        this.#api = options.api ?? defaultThreadApi();
        this.#entry = options.entry ?? threadEntryUrl();
        this.#log = options.logger;
    }
    /** How many threads are running or starting. */
    get threadCount() {
        return this.#threads.size;
    }
    /** How many calls are running in a thread now. */
    get busyCount() {
        let n = 0;
        for (const t of this.#threads)
            if (t.task)
                n++;
        return n;
    }
    /** How many calls wait for a free thread. */
    get waitingCount() {
        return this.#queue.length;
    }
    /**
     * Runs one call on a free thread (waiting for one) and resolves with its
     * returned value as JSON. Rejects with the thrown error (its name, message
     * and stack), `ActorLoadError`, `NonJsonResultError`, `ThreadCrashError`,
     * the timeout error, or the signal's reason.
     */
    run(call, options = {}) {
        if (this.#closed)
            return Promise.reject(closedError(call.actor));
        const { signal } = options;
        if (signal?.aborted)
            return Promise.reject(signal.reason);
        const task = { id: ++this.#taskSeq, call, options, result: deferred() };
        if (signal) {
            task.onAbort = () => this.#stop(task, signal.reason);
            signal.addEventListener("abort", task.onAbort, { once: true });
        }
        this.#queue.push(task);
        this.#dispatch();
        return task.result.promise;
    }
    /** Terminates every thread; calls still running or waiting reject. */
    async close() {
        if (this.#closed)
            return;
        this.#closed = true;
        for (const task of this.#queue.splice(0))
            this.#settle(task, closedError(task.call.actor));
        const stopping = [];
        for (const thread of [...this.#threads]) {
            if (thread.task)
                this.#settle(thread.task, closedError(thread.task.call.actor));
            stopping.push(this.#kill(thread));
        }
        await Promise.all(stopping);
    }
    #dispatch() {
        if (this.#closed)
            return;
        while (this.#queue.length > 0) {
            const idle = [...this.#threads].find((t) => t.ready && t.handle && !t.task);
            if (!idle)
                break;
            this.#assign(idle, this.#queue.shift());
        }
        let starting = 0;
        for (const t of this.#threads)
            if (!t.ready)
                starting++;
        const wanted = Math.min(this.#queue.length - starting, this.size - this.#threads.size);
        for (let i = 0; i < wanted; i++)
            this.#spawn();
    }
    #assign(thread, task) {
        thread.task = task;
        task.thread = thread;
        thread.handle.hold(true);
        const { call, options } = task;
        if (options.timeoutMs !== undefined) {
            task.timer = setTimeout(() => this.#stop(task, timeoutReason(task)), options.timeoutMs);
        }
        thread.handle.post({
            type: "run",
            id: task.id,
            module: call.module,
            exportName: call.exportName,
            args: call.args,
            context: call.context,
            timeoutMs: options.timeoutMs,
        });
    }
    #spawn() {
        const thread = { serial: ++this.#threadSeq, ready: false, dead: false };
        this.#threads.add(thread);
        spawnThread(this.#entry, {
            message: (data) => this.#onMessage(thread, data),
            died: (error) => this.#onDied(thread, error),
        }, this.#api, `repid-${this.#threadSeq}`).then((handle) => {
            thread.handle = handle;
            if (thread.dead || this.#closed)
                void handle.terminate();
            else
                this.#dispatch();
        }, (error) => this.#onDied(thread, toJobError(error)));
    }
    #onMessage(thread, message) {
        if (thread.dead)
            return;
        switch (message?.type) {
            case "ready":
                thread.ready = true;
                this.#dispatch();
                if (!thread.task)
                    thread.handle?.hold(false);
                return;
            case "crash":
                this.#onDied(thread, message.error);
                return;
            case "done":
            case "failed": {
                const task = thread.task;
                if (!task || task.id !== message.id)
                    return;
                if (message.type === "failed" && message.kind === "timeout") {
                    // Interrupted inside the thread: replace it, as at the timer.
                    this.#stop(task, timeoutReason(task));
                    return;
                }
                thread.task = undefined;
                thread.handle?.hold(false);
                if (message.type === "done")
                    this.#settle(task, undefined, message.json);
                else
                    this.#settle(task, failure(task.call, message.kind, message.error));
                this.#dispatch();
                return;
            }
        }
    }
    /** A thread died by itself: fail its call, then replace it. */
    #onDied(thread, error) {
        if (thread.dead)
            return;
        const wasReady = thread.ready;
        void this.#kill(thread);
        if (this.#closed)
            return;
        const detail = error.message.startsWith("Uncaught")
            ? error.message
            : `${error.name}: ${error.message}`;
        const task = thread.task ?? (wasReady ? undefined : this.#queue.shift());
        if (task) {
            const crash = new ThreadCrashError(task.call.actor, wasReady ? detail : `the thread did not start (${detail})`);
            if (error.stack)
                crash.stack = `${crash.name}: ${crash.message}\nCaused by: ${error.stack}`;
            this.#settle(task, crash);
        }
        this.#log?.warn(wasReady ? "thread crashed; replacing it" : "thread did not start", {
            thread: thread.serial,
            error: detail,
        });
        this.#replace(wasReady);
    }
    /** Stops a call: drops it from the queue, or terminates its thread. */
    #stop(task, reason) {
        const queued = this.#queue.indexOf(task);
        if (queued >= 0)
            this.#queue.splice(queued, 1);
        const thread = task.thread;
        this.#settle(task, reason);
        if (thread && thread.task === task && !thread.dead) {
            void this.#kill(thread);
            this.#replace(true);
        }
    }
    #replace(eager) {
        if (this.#closed)
            return;
        this.#dispatch();
        if (eager && this.#threads.size < this.size)
            this.#spawn();
    }
    #kill(thread) {
        thread.dead = true;
        this.#threads.delete(thread);
        return thread.handle?.terminate() ?? Promise.resolve();
    }
    #settle(task, error, json) {
        clearTimeout(task.timer);
        if (task.onAbort)
            task.options.signal?.removeEventListener("abort", task.onAbort);
        if (json === undefined)
            task.result.reject(error);
        else
            task.result.resolve(json);
    }
}
function timeoutReason(task) {
    const { options, call } = task;
    return options.timeoutError?.() ??
        new RepidError(`Job of actor "${call.actor}" timed out after ${options.timeoutMs} ms`);
}
function closedError(actor) {
    return new RepidError(`Cannot run job of actor "${actor}": the thread pool is closed`);
}
function failure(call, kind, error) {
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
function rebuild(error) {
    const e = new Error(error.message);
    e.name = error.name;
    e.stack = error.stack ?? `${error.name}: ${error.message}`;
    return e;
}
