/**
 * The producer: enqueues jobs by actor name and hands back {@linkcode Job}
 * handles whose results can be awaited.
 *
 * @module
 */
import { openBackend } from "../backend/open_backend.js";
import { toJson } from "../core/json.js";
import { assertJobId, assertName } from "../core/names.js";
import { assertDuration, toEpochMs } from "../core/time.js";
import { ConnectionError } from "../errors.js";
import { isActorDefinition, } from "../worker/actor.js";
import { ResultWaiter } from "./result_waiter.js";
import { registerSchedule, Schedule, } from "./schedule.js";
/**
 * A handle on an enqueued job.
 *
 * @example
 * ```ts ignore
 * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
 * const result = await job.result; // waits until the job has finished
 * console.log(result.success, result.value);
 * ```
 */
export class Job {
    /** The job's id. */
    id;
    /** The job's queue. */
    queue;
    /** The actor's name. */
    actor;
    /** `false` when an unfinished job with this custom id already existed. */
    created;
    #waiter;
    #backend;
    /** @ignore */
    constructor(fields, backend, waiter) {
        this.id = fields.id;
        this.queue = fields.queue;
        this.actor = fields.actor;
        this.created = fields.created;
        this.#backend = backend;
        this.#waiter = waiter;
    }
    /** Waits until the job has finished and resolves with its result. */
    get result() {
        return this.waitResult();
    }
    /**
     * Waits until the job has finished; rejects with `ResultTimeoutError`
     * after `timeoutMs`, with the signal's reason when `signal` aborts, and
     * with `JobNotFoundError` when the id is unknown.
     *
     * @example
     * ```ts ignore
     * const result = await job.waitResult({ timeoutMs: 10_000 });
     * ```
     */
    waitResult(options = {}) {
        if (options.timeoutMs !== undefined) {
            assertDuration(options.timeoutMs, "timeoutMs", "Cannot wait for result");
        }
        return this.#waiter.wait(this.queue, this.id, options);
    }
    /**
     * Reads the result without waiting: `null` while the job is unfinished
     * (or unknown).
     *
     * @example
     * ```ts ignore
     * const result = await job.getResult(); // null while unfinished
     * ```
     */
    async getResult() {
        return ((await this.info())?.result ?? null);
    }
    /**
     * Reads the job's state, or `null` when the id is unknown.
     *
     * @example
     * ```ts ignore
     * const info = await job.info();
     * console.log(info?.status, info?.deliveries);
     * ```
     */
    info() {
        return this.#backend.getJob(this.queue, this.id);
    }
    /**
     * Reads the job's status, or `null` when the id is unknown.
     *
     * @example
     * ```ts ignore
     * console.log(await job.status()); // "queued", "in_progress", "done", …
     * ```
     */
    async status() {
        return (await this.info())?.status ?? null;
    }
}
/**
 * The producer. Untyped, any actor name and arguments are accepted; typed
 * with a map of actors (`new Repid<typeof actors>(…)`), `enqueueJob` checks
 * the actor's name, its arguments and its result type at compile time.
 *
 * @example
 * ```ts ignore
 * import { Repid } from "@repid/repid";
 *
 * const producer = new Repid("redis://127.0.0.1:6379");
 * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
 * console.log((await job.result).value); // 5
 * await producer.close();
 * ```
 */
export class Repid {
    #backend;
    #ownsBackend;
    #waiter;
    /**
     * Creates a producer.
     *
     * @param redis An ioredis client (never closed by the producer; duplicated
     * for the result subscription) or a `redis://` URL, or `memory://name` for
     * the in-memory store shared in this process; `null` when `options.backend`
     * is given.
     * @param options The producer's options.
     */
    constructor(redis, options = {}) {
        const action = "Cannot create producer";
        const prefix = options.prefix ?? "repid";
        if (typeof prefix !== "string" || prefix === "" || /[{}]/.test(prefix)) {
            throw new TypeError(`${action}: prefix ${JSON.stringify(prefix)} must be non-empty, no braces`);
        }
        const recheckMs = options.recheckMs ?? 5_000;
        assertDuration(recheckMs, "recheckMs", action, 100);
        if (options.backend) {
            this.#backend = options.backend;
            this.#ownsBackend = false;
        }
        else {
            if (redis === null)
                throw new TypeError(`${action}: give a Redis client, a URL or a backend`);
            this.#backend = openBackend(redis, { prefix }, action);
            this.#ownsBackend = true;
        }
        this.#waiter = new ResultWaiter(this.#backend, recheckMs);
    }
    async enqueueJob(actor, options = {}) {
        const job = newJob(actor, options);
        const o = options;
        if (o.deferBy !== undefined || o.cron !== undefined || o.tz !== undefined ||
            o.catchUp !== undefined) {
            return await registerSchedule(this.#backend, job, options, (queue, id, name) => new Job({ id, queue, actor: name, created: false }, this.#backend, this.#waiter));
        }
        let outcome;
        try {
            [outcome] = await this.#backend.enqueue([job]);
        }
        catch (error) {
            throw wrapStoreError("enqueue job", error);
        }
        return new Job({ id: job.id, queue: job.queue, actor: job.actor, created: outcome.created }, this.#backend, this.#waiter);
    }
    /**
     * Enqueues many jobs in one round trip and returns their handles, in the
     * order given. Every item is validated first: an invalid item rejects the
     * whole call (with a `TypeError`/`RangeError` naming the item's index)
     * before anything is written. The jobs of one queue are written
     * atomically, all or none, by one script call; the calls for different
     * queues are sent together but are separate writes. A custom `jobId`
     * deduplicates as in `enqueueJob`, also within one call (the job's
     * `created` is then `false`). Recurring jobs (`deferBy`, `cron`) are not
     * accepted here. Redis runs one queue's batch as one step, so keep
     * batches to some thousands of jobs (for example 1 000 per call).
     *
     * @example
     * ```ts ignore
     * const jobs = await producer.enqueueJobs([
     *   { actor: "string_length", args: ["hello"] },
     *   { actor: "string_length", args: ["world"], queue: "other" },
     * ]);
     * console.log(jobs.map((job) => job.id));
     * ```
     */
    async enqueueJobs(items) {
        const action = "Cannot enqueue jobs";
        if (!Array.isArray(items)) {
            throw new TypeError(`${action}: expected an array of jobs, got ${typeof items}`);
        }
        const jobs = items.map((item, i) => {
            const at = `${action}: item ${i}`;
            if (item === null || typeof item !== "object") {
                throw new TypeError(`${at}: expected an object with an actor, got ${item}`);
            }
            const o = item;
            if (o.deferBy !== undefined || o.cron !== undefined || o.tz !== undefined ||
                o.catchUp !== undefined) {
                throw new TypeError(`${at}: recurring jobs (deferBy, cron) need enqueueJob()`);
            }
            return newJob(item.actor, item, at);
        });
        if (jobs.length === 0)
            return [];
        let outcomes;
        try {
            outcomes = await this.#backend.enqueue(jobs);
        }
        catch (error) {
            throw wrapStoreError("enqueue jobs", error);
        }
        return jobs.map((job, i) => new Job({ id: job.id, queue: job.queue, actor: job.actor, created: outcomes[i].created }, this.#backend, this.#waiter));
    }
    /**
     * A handle on a job by id (for example one enqueued by another process),
     * or `null` when no job with that id exists in the queue.
     *
     * @example
     * ```ts ignore
     * const job = await producer.getJob(id);
     * if (job) console.log(await job.result);
     * ```
     */
    async getJob(id, options = {}) {
        const action = "Cannot get job";
        assertJobId(id, action);
        const queue = assertName("queue", options.queue ?? "default", action);
        const info = await this.#backend.getJob(queue, id);
        if (!info)
            return null;
        return new Job({ id, queue, actor: info.actor, created: false }, this.#backend, this.#waiter);
    }
    /**
     * The recurring jobs of a queue with their next run times, soonest first.
     *
     * @example
     * ```ts ignore
     * for (const s of await producer.schedules({ queue: "default" })) {
     *   console.log(s.id, s.status, s.nextRunAt && new Date(s.nextRunAt));
     * }
     * ```
     */
    schedules(options = {}) {
        const queue = assertName("queue", options.queue ?? "default", "Cannot list schedules");
        return this.#backend.listSchedules(queue);
    }
    /**
     * A handle on a recurring job by its schedule id, or `null` when there is
     * no such schedule in the queue.
     *
     * @example
     * ```ts ignore
     * const schedule = await producer.getSchedule("nightly-report");
     * await schedule?.pause();
     * ```
     */
    async getSchedule(id, options = {}) {
        const action = "Cannot get schedule";
        assertJobId(id, action);
        const queue = assertName("queue", options.queue ?? "default", action);
        const info = await this.#backend.getSchedule(queue, id);
        if (!info)
            return null;
        return new Schedule({ id, queue, actor: info.actor, outcome: "kept" }, this.#backend, (q, jobId, name) => new Job({ id: jobId, queue: q, actor: name, created: false }, this.#backend, this.#waiter));
    }
    /**
     * Ends result subscriptions and closes the connections the producer opened.
     *
     * @example
     * ```ts ignore
     * await producer.close();
     * ```
     */
    async close() {
        await this.#waiter.close();
        if (this.#ownsBackend)
            await this.#backend.close();
    }
}
/** Validates enqueue arguments and builds the job to store; errors start with `action`. */
export function newJob(actor, options, action = "Cannot enqueue job") {
    if (options === null || typeof options !== "object") {
        throw new TypeError(`${action}: options must be an object`);
    }
    const def = isActorDefinition(actor) ? actor : undefined;
    const name = assertName("actor", def ? def.name : actor, action);
    const queue = assertName("queue", options.queue ?? def?.queue ?? "default", action);
    const args = options.args ?? [];
    if (!Array.isArray(args)) {
        throw new TypeError(`${action}: args must be an array of arguments, got ${typeof args}`);
    }
    const argsJson = toJson(args, "args", `${action} for actor "${name}"`);
    const dueAt = options.deferUntil === undefined
        ? 0
        : toEpochMs(options.deferUntil, "deferUntil", action);
    const customId = options.jobId !== undefined;
    const id = customId ? assertJobId(options.jobId, action) : crypto.randomUUID();
    let jobOptions;
    if (options.resultTtlMs !== undefined) {
        jobOptions = { resultTtlMs: assertDuration(options.resultTtlMs, "resultTtlMs", action, 1) };
    }
    if (options.timeoutMs !== undefined) {
        jobOptions = {
            ...jobOptions,
            timeoutMs: assertDuration(options.timeoutMs, "timeoutMs", action, 1),
        };
    }
    return { id, customId, queue, actor: name, argsJson, dueAt, options: jobOptions };
}
function wrapStoreError(action, error) {
    if (error instanceof Error && error.name === "ReplyError")
        return error;
    return new ConnectionError(action, error);
}
