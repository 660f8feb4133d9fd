/**
 * Key names. Every key of one queue shares the hash tag `{queue}`, so a
 * queue lives in one Redis Cluster slot and every script touches one slot.
 *
 * @module
 */

/** The keys of one queue. */
export interface QueueKeys {
  /** LIST of ids of queued jobs, oldest at the head. */
  ready: string;
  /** ZSET of ids of deferred jobs, scored by due time (epoch ms). */
  deferred: string;
  /** ZSET of ids of leased jobs, scored by lease expiry (epoch ms). */
  active: string;
  /**
   * STRING: the earliest lease expiry (epoch ms) fetch knows of, `-1` for
   * none; it expires after `LEASE_SCAN_MS` so that fetch looks again.
   */
  leaseHint: string;
  /** LIST holding at most one marker: "there may be work"; idle workers block on it. */
  signal: string;
  /** ZSET of ids of dead-lettered jobs, scored by when they died. */
  dead: string;
  /** Prefix of the per-job HASH keys (`<jobPrefix><id>`). */
  jobPrefix: string;
  /** Pub/sub channel that receives the id of every job that finishes. */
  finished: string;
  /** ZSET of the queue's schedule ids, scored by next run time (epoch ms). */
  schedules: string;
  /** Prefix of the per-schedule HASH keys (`<schedulePrefix><id>`). */
  schedulePrefix: string;
  /** Prefix of the per-schedule ZSETs of recent occurrence ids, scored by due time. */
  scheduleRunsPrefix: string;
}

/** Builds the keys of `queue` under `prefix`. */
export function queueKeys(prefix: string, queue: string): QueueKeys {
  const base = `${prefix}:{${queue}}`;
  return {
    ready: `${base}:ready`,
    deferred: `${base}:deferred`,
    active: `${base}:active`,
    leaseHint: `${base}:lease-hint`,
    signal: `${base}:signal`,
    dead: `${base}:dead`,
    jobPrefix: `${base}:job:`,
    finished: `${base}:finished`,
    schedules: `${base}:schedules`,
    schedulePrefix: `${base}:schedule:`,
    scheduleRunsPrefix: `${base}:schedule-runs:`,
  };
}
