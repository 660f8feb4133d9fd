/**
 * The part of `Backend` that stores recurring jobs. A schedule is a
 * record (its actor, arguments, rule and next run time) plus at most one
 * pending occurrence: an ordinary deferred job with the deterministic id
 * `<scheduleId>@<dueAtMs>` carrying `options.schedule`. The next occurrence
 * is created when a worker starts the current one, by a compare-and-set on
 * the record's next run time, so racing workers and redeliveries create it
 * once. The times to store are computed by the caller (src/core/schedule.ts);
 * the store only compares them.
 *
 * @module
 */
export {};
