/**
 * The worker: holds actors, leases jobs from their queues and runs them.
 *
 * @module
 */
import { openBackend } from "../backend/open_backend.js";
import { backoffDelay } from "../core/backoff.js";
import { toJobError } from "../core/job.js";
import { jsonProblem } from "../core/json.js";
import { sleep } from "../core/sleep.js";
import { assertCount, assertDuration } from "../core/time.js";
import { JobTimeoutError, LeaseLostError, NonJsonResultError } from "../errors.js";
import { resolveLogger } from "../log.js";
import { onShutdownSignal } from "../runtime/signals.js";
import { toActorDefinition, } from "./actor.js";
import { defaultThreadCount } from "../runtime/threads.js";
import { ThreadPool } from "../threads/pool.js";
import { Batcher } from "./batcher.js";
import { Slots } from "./slots.js";
import { advanceOccurrence } from "./schedule_advance.js";
const DEFAULTS = {
    prefix: "repid",
    concurrency: 10,
    leaseMs: 30_000,
    idleMs: 5_000,
    graceMs: 10_000,
    resultTtlMs: 86_400_000,
    unknownActorDelayMs: 1_000,
    unknownActorLimit: 0,
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
    #backend;
    #ownsBackend;
    #log;
    #opts;
    #actors = new Map();
    #running = new Map();
    #batchers = new Map();
    #workerId = crypto.randomUUID().slice(0, 8);
    #tokenSeq = 0;
    #slots;
    #threads;
    #pool;
    #stopController = new AbortController();
    #loops = [];
    #renewTimer;
    #state = "idle";
    #stopped;
    #resolveRun;
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
    constructor(redis, options = {}) {
        const action = "Cannot create worker";
        const o = { ...DEFAULTS };
        for (const key of Object.keys(DEFAULTS)) {
            const v = options[key];
            if (v !== undefined)
                o[key] = v;
        }
        assertCount(o.concurrency, "concurrency", action, 1);
        assertDuration(o.leaseMs, "leaseMs", action, 100);
        assertDuration(o.idleMs, "idleMs", action, 10);
        assertDuration(o.graceMs, "graceMs", action);
        assertDuration(o.resultTtlMs, "resultTtlMs", action, 1);
        assertDuration(o.unknownActorDelayMs, "unknownActorDelayMs", action);
        assertCount(o.unknownActorLimit, "unknownActorLimit", action);
        if (typeof o.prefix !== "string" || o.prefix === "" || /[{}]/.test(o.prefix)) {
            throw new TypeError(`${action}: prefix ${JSON.stringify(o.prefix)} must be non-empty, no braces`);
        }
        this.#opts = o;
        this.#threads = options.threads ?? defaultThreadCount();
        assertCount(this.#threads, "threads", action, 1);
        this.#log = resolveLogger(options.logger);
        if (options.backend) {
            this.#backend = options.backend;
            this.#ownsBackend = false;
        }
        else {
            if (redis === null)
                throw new TypeError(`${action}: give a Redis client, a URL or a backend`);
            this.#backend = openBackend(redis, { prefix: o.prefix }, action);
            this.#ownsBackend = true;
        }
    }
    actor(fn, options) {
        const def = toActorDefinition(fn, options);
        if (this.#actors.has(def.name)) {
            throw new TypeError(`Cannot register actor "${def.name}": an actor with that name exists`);
        }
        if (this.#state !== "idle") {
            throw new TypeError(`Cannot register actor "${def.name}": the worker is already running`);
        }
        this.#actors.set(def.name, def);
        return def;
    }
    /** The names of the registered actors. */
    get actorNames() {
        return [...this.#actors.keys()];
    }
    /** The queues this worker takes jobs from (those of its actors). */
    get queues() {
        return [...new Set([...this.#actors.values()].map((a) => a.queue))];
    }
    /** How many jobs are running now. */
    get runningCount() {
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
    runForever(options = {}) {
        if (this.#state !== "idle") {
            throw new TypeError("Cannot run worker: it was already started");
        }
        if (this.#actors.size === 0) {
            throw new TypeError("Cannot run worker: no actor is registered");
        }
        this.#state = "running";
        const finished = new Promise((resolve) => (this.#resolveRun = resolve));
        const removeSignals = options.handleSignals === false ? undefined : onShutdownSignal((sig) => {
            this.#log.info(`received ${sig}, stopping`);
            void this.stop();
        });
        const onAbort = () => void this.stop();
        options.signal?.addEventListener("abort", onAbort, { once: true });
        if (options.signal?.aborted)
            onAbort();
        this.#slots = new Slots(this.#opts.concurrency);
        if ([...this.#actors.values()].some((a) => a.module !== undefined)) {
            this.#pool = new ThreadPool({ size: this.#threads, logger: this.#log });
        }
        const renewEvery = Math.max(50, Math.floor(this.#opts.leaseMs / 3));
        this.#renewTimer = setInterval(() => void this.#renewLeases(), renewEvery);
        this.#loops = this.queues.map((q) => this.#fetchLoop(q));
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
    stop(options = {}) {
        if (this.#stopped)
            return this.#stopped;
        const graceMs = options.graceMs ?? this.#opts.graceMs;
        assertDuration(graceMs, "graceMs", "Cannot stop worker");
        this.#stopped = this.#shutdown(graceMs);
        return this.#stopped;
    }
    async #shutdown(graceMs) {
        const wasRunning = this.#state === "running";
        this.#state = "stopping";
        this.#stopController.abort();
        await Promise.all(this.#loops);
        if (this.#running.size > 0) {
            const all = Promise.all([...this.#running.values()].map((r) => r.done));
            await Promise.race([all, sleep(graceMs)]);
        }
        const left = [...this.#running.values()].filter((r) => !r.detached);
        if (left.length > 0) {
            for (const r of left) {
                r.detached = true;
                r.controller.abort(new Error("The worker is shutting down"));
            }
            const byQueue = groupByQueue(left.map((r) => r.job));
            for (const [queue, jobs] of byQueue) {
                try {
                    await this.#backend.release(queue, jobs.map((j) => ({ id: j.id, token: j.token })));
                    this.#log.info("handed back unfinished jobs", { queue, jobs: jobs.map((j) => j.id) });
                }
                catch (error) {
                    this.#log.warn("could not hand back leases; they expire by themselves", { error });
                }
            }
        }
        clearInterval(this.#renewTimer);
        await this.#pool?.close();
        if (this.#ownsBackend)
            await this.#backend.close();
        this.#state = "stopped";
        if (wasRunning)
            this.#log.info("worker stopped");
        this.#resolveRun?.();
    }
    async #fetchLoop(queue) {
        const signal = this.#stopController.signal;
        const slots = this.#slots;
        let failures = 0;
        while (!signal.aborted) {
            await slots.waitFree(signal);
            if (signal.aborted)
                break;
            const want = slots.free;
            try {
                const token = `${this.#workerId}-${++this.#tokenSeq}`;
                const { jobs, wakeInMs } = await this.#backend.fetch(queue, want, this.#opts.leaseMs, token);
                if (failures > 0)
                    this.#log.info("store reachable again", { queue });
                failures = 0;
                for (const job of jobs)
                    this.#start(job);
                if (jobs.length < want && !signal.aborted) {
                    const wait = wakeInMs < 0
                        ? this.#opts.idleMs
                        : Math.min(this.#opts.idleMs, Math.max(10, wakeInMs + 2));
                    await this.#backend.waitForWork(queue, wait, signal);
                }
            }
            catch (error) {
                if (signal.aborted)
                    break;
                failures++;
                if (failures === 1) {
                    this.#log.warn("cannot fetch jobs, retrying", { queue, error });
                }
                await sleep(Math.min(2_000, 50 * 2 ** Math.min(failures, 6)), signal);
            }
        }
    }
    #start(job) {
        this.#slots.take();
        const running = {
            job,
            controller: new AbortController(),
            detached: false,
            done: Promise.resolve(),
        };
        this.#running.set(job.id, running);
        running.done = this.#execute(running)
            .catch((error) => this.#log.error("job handling failed", { id: job.id, error }))
            .finally(() => {
            this.#running.delete(job.id);
            this.#slots.release();
        });
    }
    async #execute(r) {
        const { job } = r;
        const actor = this.#actors.get(job.actor);
        if (!actor) {
            const outcome = await this.#retryWrite(r, "requeue", () => this.#backend.requeue(job.queue, {
                id: job.id,
                token: job.token,
                delayMs: this.#opts.unknownActorDelayMs,
                maxDeliveries: this.#opts.unknownActorLimit,
                reason: "unknown_actor",
                ttlMs: this.#opts.resultTtlMs,
            }));
            if (outcome === "dead") {
                this.#log.warn("dead-lettered job for unknown actor", { id: job.id, actor: job.actor });
            }
            else if (outcome === "requeued") {
                this.#log.debug("put back job for unknown actor", {
                    id: job.id,
                    actor: job.actor,
                    deliveries: job.deliveries,
                });
            }
            else if (outcome === "lost")
                this.#refused(job, "requeue");
            return;
        }
        if (job.options.schedule) {
            // An occurrence of a recurring job: create the next one before running this one.
            const advanced = await this.#retryWrite(r, "advance the schedule of", () => advanceOccurrence(this.#backend, job));
            if (advanced === undefined)
                return;
            this.#log.debug("schedule advanced", { id: job.id, outcome: advanced });
        }
        let args;
        try {
            const parsed = JSON.parse(job.argsJson);
            if (!Array.isArray(parsed))
                throw new Error("arguments are not a JSON array");
            args = parsed;
        }
        catch (error) {
            const reason = error instanceof SyntaxError
                ? `arguments are not valid JSON (${error.message})`
                : error.message;
            const ok = await this.#retryWrite(r, "dead-letter", () => this.#backend.deadLetter(job.queue, job.id, job.token, "malformed", { name: "MalformedJobError", message: `Cannot run job "${job.id}": ${reason}` }, this.#opts.resultTtlMs));
            if (ok === false)
                this.#refused(job, "dead-letter");
            else
                this.#log.warn("dead-lettered malformed job", { id: job.id, reason });
            return;
        }
        const opts = actor.options;
        const maxAttempts = 1 + (opts.retries ?? 0);
        const timeoutMs = job.options.timeoutMs ?? opts.timeoutMs;
        const ttlMs = job.options.resultTtlMs ?? opts.resultTtlMs ?? this.#opts.resultTtlMs;
        const errors = [...job.errors];
        let attempts = job.attempts;
        this.#log.info("job started", { id: job.id, actor: actor.name, queue: job.queue });
        while (true) {
            attempts++;
            const outcome = await this.#attempt(actor, args, r, attempts, timeoutMs);
            if (r.detached)
                return; // lease lost or handed back: another worker owns the job now
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
            const stored = await this.#retryWrite(r, "record attempt", () => this.#backend.recordAttempt(job.queue, job.id, job.token, attempts, errors));
            if (stored === false) {
                this.#refused(job, "retry");
                r.detached = true;
                return;
            }
            if (r.detached)
                return;
            const wait = backoffDelay(opts.backoff, attempts);
            this.#log.info("job failed, retrying", {
                id: job.id,
                actor: actor.name,
                attempt: attempts,
                retryInMs: wait,
                error: outcome.error.message,
            });
            await sleep(wait, r.controller.signal);
            if (r.detached)
                return;
        }
    }
    async #attempt(actor, args, r, attempt, timeoutMs) {
        const controller = new AbortController();
        const parent = r.controller.signal;
        const forward = () => controller.abort(parent.reason);
        parent.addEventListener("abort", forward, { once: true });
        const context = {
            jobId: r.job.id,
            queue: r.job.queue,
            actor: actor.name,
            attempt,
            deliveries: r.job.deliveries,
            signal: controller.signal,
        };
        let timer;
        try {
            const run = actor.module !== undefined
                ? this.#pool.run({
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
                    signal: controller.signal,
                    timeoutMs,
                    timeoutError: () => new JobTimeoutError(actor.name, timeoutMs),
                }).then((json) => JSON.parse(json))
                : Promise.resolve().then(() => actor.fn.apply(context, args));
            let value;
            if (timeoutMs === undefined || actor.module !== undefined) {
                value = await run;
            }
            else {
                value = await Promise.race([
                    run,
                    new Promise((_, reject) => {
                        timer = setTimeout(() => {
                            const error = new JobTimeoutError(actor.name, timeoutMs);
                            controller.abort(error);
                            reject(error);
                        }, timeoutMs);
                    }),
                ]);
            }
            if (value === undefined)
                value = null;
            const problem = jsonProblem(value, "result");
            if (problem) {
                return { ok: false, error: toJobError(new NonJsonResultError(actor.name, problem)) };
            }
            return { ok: true, json: JSON.stringify(value) };
        }
        catch (error) {
            return { ok: false, error: toJobError(error) };
        }
        finally {
            clearTimeout(timer);
            parent.removeEventListener("abort", forward);
            if (!controller.signal.aborted)
                controller.abort(new Error("The attempt has ended"));
        }
    }
    async #finish(r, completion) {
        const { job } = r;
        const ok = await this.#retryWrite(r, "complete", () => this.#batcher(job.queue).add(completion));
        if (ok === false) {
            this.#refused(job, "complete");
            return;
        }
        if (ok === undefined)
            return;
        const fields = {
            id: job.id,
            actor: job.actor,
            queue: job.queue,
            attempts: completion.attempts,
            ms: Date.now() - job.startedAt,
        };
        if (completion.status === "done")
            this.#log.info("job done", fields);
        else
            this.#log.info("job failed", { ...fields, error: completion.error?.message });
    }
    #batcher(queue) {
        let b = this.#batchers.get(queue);
        if (!b) {
            b = new Batcher((items) => this.#backend.complete(queue, items));
            this.#batchers.set(queue, b);
        }
        return b;
    }
    /**
     * Runs a store write for a leased job, retrying while the store is
     * unreachable; gives up (returning `undefined`) once the job is detached,
     * since its lease is then gone anyway.
     */
    async #retryWrite(r, what, write) {
        let failures = 0;
        while (true) {
            try {
                return await write();
            }
            catch (error) {
                failures++;
                if (failures === 1) {
                    this.#log.warn(`cannot ${what} job, retrying`, { id: r.job.id, error });
                }
                if (r.detached)
                    return undefined;
                await sleep(Math.min(2_000, 50 * 2 ** Math.min(failures, 6)));
                if (r.detached)
                    return undefined;
            }
        }
    }
    #refused(job, action) {
        this.#log.warn("write refused: lease lost", {
            id: job.id,
            error: new LeaseLostError(job.id, action),
        });
    }
    async #renewLeases() {
        const live = [...this.#running.values()].filter((r) => !r.detached);
        if (live.length === 0)
            return;
        for (const [queue, jobs] of groupByQueue(live.map((r) => r.job))) {
            try {
                const lost = await this.#backend.extendLeases(queue, jobs.map((j) => ({ id: j.id, token: j.token })), this.#opts.leaseMs);
                for (const id of lost) {
                    const r = this.#running.get(id);
                    if (!r || r.detached)
                        continue;
                    r.detached = true;
                    const error = new LeaseLostError(id, "keep running");
                    r.controller.abort(error);
                    this.#log.warn("lease lost; job stopped here", { id, error });
                }
            }
            catch (error) {
                this.#log.warn("cannot renew leases", { queue, error });
            }
        }
    }
}
function groupByQueue(jobs) {
    const map = new Map();
    for (const j of jobs) {
        const list = map.get(j.queue);
        if (list)
            list.push(j);
        else
            map.set(j.queue, [j]);
    }
    return map;
}
