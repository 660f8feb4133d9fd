/**
 * Recurring jobs on the producer side: registering a schedule
 * (`enqueueJob(…, { deferBy })` or `{ cron }`) and the {@linkcode Schedule}
 * handle that reads, pauses, resumes and cancels it.
 *
 * @module
 */
import { assertScheduleIdLength, canonicalJson, derivedScheduleId, firstOccurrence, nextOccurrence, occurrenceId, parseScheduleSpec, ruleKey, ruleOf, } from "../core/schedule.js";
import { ConnectionError } from "../errors.js";
/** Registers a schedule for `job` (validated by `newJob`) and returns its handle. */
export async function registerSchedule(backend, job, options, makeJob) {
    const action = "Cannot enqueue job";
    const spec = parseScheduleSpec(options, action);
    const id = job.customId
        ? assertScheduleIdLength(job.id, action)
        : await derivedScheduleId(job.queue, job.actor, JSON.parse(job.argsJson));
    const optionsJson = JSON.stringify(job.options ?? {});
    const catchUp = options.catchUp ?? false;
    const rk = ruleKey(spec);
    const definitionKey = canonicalJson({
        actor: job.actor,
        args: JSON.parse(job.argsJson),
        options: job.options ?? {},
        rule: rk,
        catchUp,
    });
    try {
        const now = await backend.time();
        const first = firstOccurrence(spec, now, options.deferUntil === undefined ? undefined : job.dueAt);
        if (!first) {
            throw new TypeError(`${action}: cron ${JSON.stringify(options.cron)} never matches after deferUntil`);
        }
        const result = await backend.upsertSchedule({
            id,
            queue: job.queue,
            actor: job.actor,
            argsJson: job.argsJson,
            optionsJson,
            rule: first.rule,
            catchUp,
            ruleKey: rk,
            definitionKey,
            now,
            firstAt: first.at,
        });
        return new Schedule({ id, queue: job.queue, actor: job.actor, outcome: result.outcome }, backend, makeJob);
    }
    catch (error) {
        throw wrapStoreError("register recurring job", error);
    }
}
/**
 * A handle on a recurring job. Each occurrence is an ordinary job with the
 * id `<schedule id>@<due time in epoch ms>` and its own stored result; a
 * failing occurrence follows the actor's retry policy and never stops the
 * schedule.
 *
 * @example
 * ```ts ignore
 * import { days, Repid } from "@repid/repid";
 *
 * const producer = new Repid("redis://127.0.0.1:6379");
 * const schedule = await producer.enqueueJob("good_morning", { deferBy: days(1) });
 * console.log(schedule.id, new Date((await schedule.nextRunAt())!));
 * const daily = await producer.enqueueJob("report", { cron: "0 9 * * *", tz: "Europe/Berlin" });
 * await daily.pause();
 * ```
 */
export class Schedule {
    /** The schedule's id (the `jobId`, or derived from queue, actor and arguments). */
    id;
    /** The queue its occurrences run on. */
    queue;
    /** The actor its occurrences run. */
    actor;
    /**
     * What the registration did: `created`, `updated` (an existing schedule
     * got another period, pattern, arguments or options) or `kept` (the same
     * schedule was registered before).
     */
    outcome;
    #backend;
    #makeJob;
    /** @ignore */
    constructor(fields, backend, makeJob) {
        this.id = fields.id;
        this.queue = fields.queue;
        this.actor = fields.actor;
        this.outcome = fields.outcome;
        this.#backend = backend;
        this.#makeJob = makeJob;
    }
    /**
     * Reads the schedule, or `null` once it was cancelled.
     *
     * @example
     * ```ts ignore
     * const info = await schedule.info();
     * console.log(info?.status, info?.nextRunAt, info?.lastRunAt);
     * ```
     */
    info() {
        return this.#backend.getSchedule(this.queue, this.id);
    }
    /**
     * When the next occurrence is due (UTC epoch ms), or `null` while paused
     * or once cancelled.
     *
     * @example
     * ```ts ignore
     * const at = await schedule.nextRunAt();
     * if (at !== null) console.log(new Date(at).toISOString());
     * ```
     */
    async nextRunAt() {
        return (await this.info())?.nextRunAt ?? null;
    }
    /**
     * A handle on the occurrence due at `at` (epoch ms), whether or not it
     * exists (its `info()` is then `null`).
     *
     * @example
     * ```ts ignore
     * const job = schedule.occurrence(at);
     * console.log(await job.getResult());
     * ```
     */
    occurrence(at) {
        return this.#makeJob(this.queue, occurrenceId(this.id, at), this.actor);
    }
    /**
     * A handle on the pending occurrence, whose result can be awaited; `null`
     * while paused or once cancelled.
     *
     * @example
     * ```ts ignore
     * const next = await schedule.nextJob();
     * if (next) console.log((await next.result).value);
     * ```
     */
    async nextJob() {
        const at = await this.nextRunAt();
        return at === null ? null : this.occurrence(at);
    }
    /**
     * The result of the latest finished occurrence (the one due latest among
     * the recent ones that finished), or `null` when none finished yet (or
     * their results expired).
     *
     * @example
     * ```ts ignore
     * const result = await schedule.latestResult();
     * console.log(result?.success, result?.value);
     * ```
     */
    async latestResult() {
        const ids = await this.#backend.scheduleRuns(this.queue, this.id, 20);
        for (const id of ids) {
            const info = await this.#backend.getJob(this.queue, id);
            if (info?.result)
                return info.result;
        }
        return null;
    }
    /**
     * Pauses the schedule: the pending occurrence is removed unless it has
     * started (a started one finishes), and no occurrence is created until
     * {@linkcode Schedule.resume}. Registering the schedule again keeps it
     * paused. Resolves `false` when the schedule no longer exists.
     *
     * @example
     * ```ts ignore
     * await schedule.pause();
     * ```
     */
    pause() {
        return this.#backend.pauseSchedule(this.queue, this.id);
    }
    /**
     * Resumes a paused schedule with the first occurrence after the current
     * time (occurrences that fell while paused are not run, even with
     * `catchUp`). Resolves `false` when the schedule no longer exists, `true`
     * otherwise (also when it was not paused).
     *
     * @example
     * ```ts ignore
     * await schedule.resume();
     * ```
     */
    async resume() {
        const info = await this.info();
        if (!info)
            return false;
        if (info.status === "active")
            return true;
        const now = await this.#backend.time();
        const nextAt = nextOccurrence(ruleOf(info), now);
        if (nextAt === null)
            return false;
        return (await this.#backend.resumeSchedule(this.queue, this.id, nextAt)) !== "gone";
    }
    /**
     * Removes the schedule and its pending occurrence unless it has started (a
     * started one finishes; finished ones keep their results until they
     * expire). Resolves `false` when it did not exist.
     *
     * @example
     * ```ts ignore
     * await schedule.cancel();
     * ```
     */
    cancel() {
        return this.#backend.cancelSchedule(this.queue, this.id);
    }
}
function wrapStoreError(action, error) {
    if (error instanceof TypeError || error instanceof RangeError)
        return error;
    if (error instanceof Error && error.name === "ReplyError")
        return error;
    return new ConnectionError(action, error);
}
