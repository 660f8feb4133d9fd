/**
 * The schedule part of the Redis backend: thin calls of the schedule scripts
 * (src/backend/redis/scripts/schedule_*.ts). `RedisBackend` delegates to it.
 *
 * @module
 */
import { scheduleInfoFromFields, } from "../../core/schedule.js";
/** How many recent occurrence ids a schedule keeps (for its latest result). */
export const SCHEDULE_RUNS_KEPT = 20;
/** Schedule storage on one Redis client. */
export class RedisSchedules {
    #client;
    #keys;
    /**
     * @param client A client with the scripts defined on it.
     * @param keys The keys of a queue.
     */
    constructor(client, keys) {
        this.#client = client;
        this.#keys = keys;
    }
    #run(name, ...args) {
        return this.#client[name](...args);
    }
    async time() {
        const [s, us] = await this.#client.time();
        return Number(s) * 1000 + Math.floor(Number(us) / 1000);
    }
    async upsertSchedule(s) {
        const k = this.#keys(s.queue);
        const [outcome, status, next] = await this.#run("repidScheduleUpsert", k.schedulePrefix + s.id, k.schedules, k.deferred, k.ready, k.signal, k.jobPrefix, s.id, s.actor, s.argsJson, s.optionsJson, s.rule.kind === "every" ? String(s.rule.everyMs) : "", s.rule.kind === "every" ? String(s.rule.anchor) : "", s.rule.kind === "cron" ? s.rule.cron : "", s.rule.kind === "cron" ? s.rule.tz : "", s.catchUp ? "1" : "0", s.ruleKey, s.definitionKey, String(s.now), String(s.firstAt));
        return { outcome, status, nextRunAt: Number(next) };
    }
    async getSchedule(queue, id) {
        const h = await this.#client.hgetall(this.#keys(queue).schedulePrefix + id);
        if (!h.status)
            return null;
        return scheduleInfoFromFields(queue, id, h);
    }
    async listSchedules(queue) {
        const k = this.#keys(queue);
        const out = await this.#run("repidScheduleList", k.schedules, k.schedulePrefix);
        const list = [];
        for (let i = 0; i < out.length; i += 2) {
            const flat = out[i + 1];
            const h = {};
            for (let j = 0; j < flat.length; j += 2)
                h[flat[j]] = flat[j + 1];
            list.push(scheduleInfoFromFields(queue, String(out[i]), h));
        }
        return list;
    }
    async advanceSchedule(queue, id, at, nextAt) {
        const k = this.#keys(queue);
        return await this.#run("repidScheduleNext", k.schedulePrefix + id, k.schedules, k.deferred, k.signal, k.scheduleRunsPrefix + id, k.jobPrefix, id, String(at), String(nextAt), SCHEDULE_RUNS_KEPT);
    }
    async pauseSchedule(queue, id) {
        const k = this.#keys(queue);
        const ok = await this.#run("repidSchedulePause", k.schedulePrefix + id, k.deferred, k.ready, k.jobPrefix, id);
        return ok === 1;
    }
    async resumeSchedule(queue, id, nextAt) {
        const k = this.#keys(queue);
        return await this.#run("repidScheduleResume", k.schedulePrefix + id, k.schedules, k.deferred, k.signal, k.jobPrefix, id, String(nextAt));
    }
    async cancelSchedule(queue, id) {
        const k = this.#keys(queue);
        const ok = await this.#run("repidScheduleCancel", k.schedulePrefix + id, k.schedules, k.deferred, k.ready, k.scheduleRunsPrefix + id, k.jobPrefix, id);
        return ok === 1;
    }
    scheduleRuns(queue, id, limit) {
        return this.#client.zrevrange(this.#keys(queue).scheduleRunsPrefix + id, 0, limit - 1);
    }
}
