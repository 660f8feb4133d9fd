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
  /** ZSET of ids of dead-lettered jobs, scored by when they died (the index of `dead`). */
  dead: string;
  /**
   * Prefix of the finished-jobs indexes: per finished status, the ZSET
   * `<states><status>` of the jobs that finished so, scored by when their
   * record expires (finish time + result TTL); one entry holds the ids of
   * the jobs one script call finished with that status and expiry (see the
   * `finish_job` Lua fragment). It is also the prefix of every other key
   * of the queue.
   */
  states: string;
  /** Prefix of the per-job HASH keys (`<jobPrefix><id>`, `<states>job:<id>`). */
  jobPrefix: string;
  /** Pub/sub channel that receives the id of every job that finishes. */
  finished: string;
  /** STRING present while the queue is paused: no fetch leases a job of it. */
  paused: string;
  /** Pub/sub channel that receives `<id>\n<token>` of every running job that is cancelled. */
  cancel: string;
  /** ZSET of the queue's schedule ids, scored by next run time (epoch ms). */
  schedules: string;
  /** Prefix of the per-schedule HASH keys (`<schedulePrefix><id>`). */
  schedulePrefix: string;
  /** Prefix of the per-schedule ZSETs of recent occurrence ids, scored by due time. */
  scheduleRunsPrefix: string;
  /** HASH of the queue's flow limits and counters (see the `flow` Lua fragment). */
  flow: string;
  /** ZSET of waiting ungrouped jobs of a priority other than 0, by priority then order. */
  prio: string;
  /** Prefix of the per-group ZSETs of waiting jobs (`<groupPrefix><group>`). */
  groupPrefix: string;
  /** ZSET of the groups with waiting jobs, scored by turn. */
  groups: string;
  /** HASH: running jobs per group. */
  groupRunning: string;
  /** ZSET of groups held back by their rate limit, scored by when they may start again. */
  groupsHeld: string;
  /** ZSET of jobs with an expiry, scored by it. */
  expiring: string;
  /** ZSET of the waiting prioritised and grouped jobs, by enqueue time (their listing). */
  waiting: string;
  /** STRING: the queue's partition count, when it is partitioned (on partition 0's keys). */
  partitions: string;
}

/**
 * What follows the queue's `states` prefix in the name of a minute's
 * throughput HASH (status → jobs finished), before the minute's number
 * (epoch ms / 60000).
 */
export const THROUGHPUT_KEY_PART = "throughput:";

/**
 * What follows the queue's `states` prefix in the key of its HASH of
 * finished jobs per status (field = status, value = how many jobs the
 * status's index holds, expired ones until they are trimmed).
 */
export const FINISHED_COUNT_KEY_PART = "finished-count";

/** What follows the queue's `states` prefix in a job's key, before the id. */
export const JOB_KEY_PART = "job:";

/** The finished-jobs index of `status` (see {@linkcode QueueKeys.states}). */
export function finishedIndex(k: QueueKeys, status: string): string {
  return k.states + status;
}

/** Builds the keys of `queue` under `prefix`. */
export function queueKeys(prefix: string, queue: string): QueueKeys {
  const base = `${prefix}:{${queue}}`;
  return {
    states: `${base}:`,
    ready: `${base}:ready`,
    deferred: `${base}:deferred`,
    active: `${base}:active`,
    leaseHint: `${base}:lease-hint`,
    signal: `${base}:signal`,
    dead: `${base}:dead`,
    jobPrefix: `${base}:${JOB_KEY_PART}`,
    finished: `${base}:finished`,
    paused: `${base}:paused`,
    cancel: `${base}:cancel`,
    schedules: `${base}:schedules`,
    schedulePrefix: `${base}:schedule:`,
    scheduleRunsPrefix: `${base}:schedule-runs:`,
    flow: `${base}:flow`,
    prio: `${base}:prio`,
    groupPrefix: `${base}:gq:`,
    groups: `${base}:groups`,
    groupRunning: `${base}:grun`,
    groupsHeld: `${base}:gwait`,
    expiring: `${base}:expiring`,
    waiting: `${base}:waiting`,
    partitions: `${base}:partitions`,
  };
}

/**
 * The SET of the names of the queues a job or a schedule was ever added to,
 * under `prefix` (in a slot of its own, `{:queues}`: no queue name starts
 * with `:`), so that the queues are listed without a scan.
 */
export function queueNamesKey(prefix: string): string {
  return `${prefix}:{:queues}:names`;
}
