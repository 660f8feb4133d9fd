/**
 * The Redis implementation of {@linkcode Backend}: one Lua script per job
 * transition, defined once per client and called by SHA (ioredis falls back
 * to EVAL after a Redis restart emptied the script cache).
 *
 * @module
 */
import { DEAD_TTL_MS, deliveryLimitError, jobInfoFromHash, parseJsonOr as parseJson, } from "../../core/job.js";
import { closeClient, openClient } from "./connection.js";
import { queueKeys } from "./keys.js";
import { scripts } from "./scripts/mod.js";
import { RedisSchedules } from "./schedules.js";
/** The Redis store. */
export class RedisBackend {
    /** The client that runs the scripts. */
    client;
    #owned;
    #prefix;
    #keys = new Map();
    #blocking = new Map();
    #subscriber;
    #subscribing;
    #listeners = new Map();
    #reconnectListeners = new Set();
    #schedules;
    #closed = false;
    /**
     * @param redis An ioredis client (used as is, never closed by us) or a URL.
     * @param options The key prefix.
     */
    constructor(redis, options = {}) {
        const { client, owned } = openClient(redis, "Cannot connect to Redis");
        this.client = client;
        this.#owned = owned;
        this.#prefix = options.prefix ?? "repid";
        for (const s of scripts) {
            if (!(s.name in client))
                client.defineCommand(s.name, { numberOfKeys: s.keys, lua: s.lua });
        }
        this.#schedules = new RedisSchedules(client, (queue) => this.keys(queue));
    }
    #run(name, ...args) {
        return this.client[name](...args);
    }
    /** The keys of `queue`. */
    keys(queue) {
        let k = this.#keys.get(queue);
        if (!k) {
            k = queueKeys(this.#prefix, queue);
            this.#keys.set(queue, k);
        }
        return k;
    }
    /**
     * One script call per queue: a queue with one job uses `enqueue`, a queue
     * with more uses `enqueue_many` (atomic for that queue's jobs). The calls
     * for several queues are sent together.
     */
    async enqueue(jobs) {
        if (jobs.length === 1)
            return [await this.#enqueueOne(jobs[0])];
        const byQueue = new Map();
        jobs.forEach((job, i) => {
            const list = byQueue.get(job.queue);
            if (list)
                list.push(i);
            else
                byQueue.set(job.queue, [i]);
        });
        const out = new Array(jobs.length);
        await Promise.all([...byQueue].map(async ([queue, indexes]) => {
            if (indexes.length === 1) {
                out[indexes[0]] = await this.#enqueueOne(jobs[indexes[0]]);
                return;
            }
            const k = this.keys(queue);
            const args = [k.ready, k.deferred, k.signal, k.jobPrefix];
            for (const i of indexes) {
                const job = jobs[i];
                args.push(job.id, job.actor, job.argsJson, job.dueAt, job.options ? JSON.stringify(job.options) : "");
            }
            const res = (await this.#run("repidEnqueueMany", args));
            indexes.forEach((i, n) => {
                out[i] = { created: res[2 * n] === 1, status: res[2 * n + 1] };
            });
        }));
        return out;
    }
    async #enqueueOne(job) {
        const k = this.keys(job.queue);
        const [created, status] = await this.#run("repidEnqueue", k.jobPrefix + job.id, k.ready, k.deferred, k.signal, job.id, job.actor, job.argsJson, job.dueAt, job.options ? JSON.stringify(job.options) : "");
        return { created: created === 1, status };
    }
    async fetch(queue, max, leaseMs, token) {
        const k = this.keys(queue);
        const out = await this.#run("repidFetch", k.ready, k.deferred, k.active, k.signal, k.dead, k.jobPrefix, max, leaseMs, token, DEAD_TTL_MS);
        const now = Number(out[1]);
        const jobs = [];
        for (let i = 2; i < out.length; i += 8) {
            jobs.push({
                id: String(out[i]),
                queue,
                actor: String(out[i + 1]),
                argsJson: String(out[i + 2]),
                token,
                deliveries: Number(out[i + 3]),
                attempts: Number(out[i + 4]),
                errors: out[i + 5] ? parseJson(String(out[i + 5]), []) : [],
                enqueuedAt: Number(out[i + 6]),
                startedAt: now,
                options: out[i + 7] ? parseJson(String(out[i + 7]), {}) : {},
            });
        }
        return { jobs, wakeInMs: Number(out[0]) };
    }
    async waitForWork(queue, timeoutMs, signal) {
        if (signal.aborted)
            return;
        let client = this.#blocking.get(queue);
        if (!client) {
            client = this.client.duplicate();
            client.on("error", () => { }); // reconnects by itself; the fetch loop reports outages
            this.#blocking.set(queue, client);
        }
        const blocking = client;
        const onAbort = () => {
            this.#blocking.delete(queue);
            blocking.disconnect();
        };
        signal.addEventListener("abort", onAbort, { once: true });
        try {
            await blocking.blpop(this.keys(queue).signal, Math.max(0.01, timeoutMs / 1000));
        }
        catch (error) {
            if (!signal.aborted)
                throw error;
        }
        finally {
            signal.removeEventListener("abort", onAbort);
        }
    }
    async extendLeases(queue, leases, leaseMs) {
        if (leases.length === 0)
            return [];
        const k = this.keys(queue);
        const args = [k.active, k.jobPrefix, leaseMs];
        for (const l of leases)
            args.push(l.id, l.token);
        return (await this.#run("repidExtend", ...args));
    }
    async recordAttempt(queue, id, token, attempts, errors) {
        const k = this.keys(queue);
        const ok = await this.#run("repidRecordAttempt", k.jobPrefix + id, token, attempts, JSON.stringify(errors));
        return ok === 1;
    }
    async complete(queue, completions) {
        if (completions.length === 0)
            return [];
        const k = this.keys(queue);
        const args = [k.active, k.jobPrefix, k.finished];
        for (const c of completions) {
            args.push(c.id, c.token, c.status, c.valueJson, c.error ? JSON.stringify(c.error) : "", c.errors.length ? JSON.stringify(c.errors) : "[]", c.attempts, Math.max(1, c.ttlMs));
        }
        const res = (await this.#run("repidComplete", ...args));
        return res.map((r) => r === 1);
    }
    async release(queue, leases) {
        if (leases.length === 0)
            return [];
        const k = this.keys(queue);
        const args = [k.active, k.ready, k.signal, k.jobPrefix];
        for (const l of leases)
            args.push(l.id, l.token);
        const res = (await this.#run("repidRelease", ...args));
        return res.map((r) => r === 1);
    }
    async requeue(queue, r) {
        const k = this.keys(queue);
        return (await this.#run("repidRequeue", k.active, k.deferred, k.signal, k.dead, k.jobPrefix + r.id, r.id, r.token, r.delayMs, r.maxDeliveries, r.reason, JSON.stringify(deliveryLimitError(r.reason, r.maxDeliveries)), k.finished, Math.max(1, r.ttlMs)));
    }
    async deadLetter(queue, id, token, reason, error, ttlMs) {
        const k = this.keys(queue);
        const ok = await this.#run("repidDeadLetter", k.active, k.dead, k.jobPrefix + id, id, token, reason, JSON.stringify(error), k.finished, Math.max(1, ttlMs));
        return ok === 1;
    }
    async getJob(queue, id) {
        const h = await this.client.hgetall(this.keys(queue).jobPrefix + id);
        if (!h.status)
            return null;
        return jobInfoFromHash(queue, id, h);
    }
    async onFinished(queue, listener, onReconnect) {
        const subscriber = await this.#ensureSubscriber();
        const channel = this.keys(queue).finished;
        let set = this.#listeners.get(channel);
        if (!set) {
            set = new Set();
            this.#listeners.set(channel, set);
        }
        set.add(listener);
        if (onReconnect)
            this.#reconnectListeners.add(onReconnect);
        if (set.size === 1)
            await subscriber.subscribe(channel);
        return async () => {
            if (onReconnect)
                this.#reconnectListeners.delete(onReconnect);
            const s = this.#listeners.get(channel);
            if (!s?.delete(listener) || s.size > 0)
                return;
            this.#listeners.delete(channel);
            if (this.#subscriber?.status === "ready")
                await this.#subscriber.unsubscribe(channel);
        };
    }
    #ensureSubscriber() {
        if (this.#subscribing)
            return this.#subscribing;
        this.#subscribing = (async () => {
            const sub = this.client.duplicate();
            sub.on("error", () => { });
            let first = true;
            sub.on("ready", () => {
                if (first) {
                    first = false;
                    return;
                }
                for (const f of this.#reconnectListeners)
                    f();
            });
            sub.on("message", (channel, id) => {
                const set = this.#listeners.get(channel);
                if (set) {
                    for (const f of set)
                        f(id);
                }
            });
            this.#subscriber = sub;
            if (sub.status !== "ready") {
                await new Promise((resolve, reject) => {
                    const ok = () => {
                        sub.off("end", fail);
                        resolve();
                    };
                    const fail = () => {
                        sub.off("ready", ok);
                        reject(new Error("subscriber connection closed"));
                    };
                    sub.once("ready", ok);
                    sub.once("end", fail);
                });
            }
            return sub;
        })();
        return this.#subscribing;
    }
    // Schedules (recurring jobs): see ./schedules.ts.
    time() {
        return this.#schedules.time();
    }
    upsertSchedule(schedule) {
        return this.#schedules.upsertSchedule(schedule);
    }
    getSchedule(queue, id) {
        return this.#schedules.getSchedule(queue, id);
    }
    listSchedules(queue) {
        return this.#schedules.listSchedules(queue);
    }
    advanceSchedule(queue, id, at, nextAt) {
        return this.#schedules.advanceSchedule(queue, id, at, nextAt);
    }
    pauseSchedule(queue, id) {
        return this.#schedules.pauseSchedule(queue, id);
    }
    resumeSchedule(queue, id, nextAt) {
        return this.#schedules.resumeSchedule(queue, id, nextAt);
    }
    cancelSchedule(queue, id) {
        return this.#schedules.cancelSchedule(queue, id);
    }
    scheduleRuns(queue, id, limit) {
        return this.#schedules.scheduleRuns(queue, id, limit);
    }
    async close() {
        if (this.#closed)
            return;
        this.#closed = true;
        const closing = [];
        for (const c of this.#blocking.values())
            c.disconnect();
        this.#blocking.clear();
        if (this.#subscriber)
            closing.push(closeClient(this.#subscriber));
        if (this.#owned)
            closing.push(closeClient(this.client));
        await Promise.all(closing);
    }
}
export { DEAD_TTL_MS, jobInfoFromHash };
