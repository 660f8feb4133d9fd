/**
 * fetch: lease up to N jobs of one queue to a worker.
 *
 * KEYS[1] ready list, KEYS[2] deferred zset, KEYS[3] active zset, KEYS[4] signal list,
 * KEYS[5] dead zset, KEYS[6] job hash key prefix (the job keys are KEYS[6]..id and
 * share the queue's hash tag)
 * ARGV[1] max jobs, ARGV[2] lease ms, ARGV[3] owner token, ARGV[4] dead-letter TTL ms
 * Returns { wakeInMs, now, id, actor, args, deliveries, attempts, errors, enq, opts, ... }
 * with 8 fields per job.
 *
 * Steps: (1) jobs whose lease expired go back to the head of the ready list;
 * (2) due deferred jobs are leased first, oldest due first, then ready jobs in
 * FIFO order; an entry with no job data, or an oversized id, is dead-lettered
 * as 'malformed'; (3) the work marker is kept when work remains and removed
 * otherwise; (4) wakeInMs tells an idle worker when the next deferred job is
 * due or the next lease expires (-1: neither).
 */
export declare const fetchScript: import("./common.ts").Script;
