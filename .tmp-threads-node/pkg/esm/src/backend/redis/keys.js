/**
 * Key names. Every key of one queue shares the hash tag `{queue}`, so a
 * queue lives in one Redis Cluster slot and every script touches one slot.
 *
 * @module
 */
/** Builds the keys of `queue` under `prefix`. */
export function queueKeys(prefix, queue) {
    const base = `${prefix}:{${queue}}`;
    return {
        ready: `${base}:ready`,
        deferred: `${base}:deferred`,
        active: `${base}:active`,
        signal: `${base}:signal`,
        dead: `${base}:dead`,
        jobPrefix: `${base}:job:`,
        finished: `${base}:finished`,
        schedules: `${base}:schedules`,
        schedulePrefix: `${base}:schedule:`,
        scheduleRunsPrefix: `${base}:schedule-runs:`,
    };
}
