/**
 * Delays between the attempts of a failing job.
 *
 * @module
 */
/**
 * How long to wait before a retry.
 *
 * - `{ type: "fixed", delayMs }`: the same delay before every retry.
 * - `{ type: "exponential", baseMs, maxMs, jitter }`: `baseMs · 2^(retry-1)`,
 *   capped at `maxMs`; with `jitter` (the default) a random delay between
 *   half that and all of it, so failing jobs do not retry in lock step.
 */
export type Backoff = {
    type: "fixed";
    delayMs: number;
} | {
    type: "exponential";
    baseMs: number;
    maxMs?: number;
    jitter?: boolean;
};
/**
 * Checks a backoff option and returns it, or throws a `TypeError`/`RangeError`.
 */
export declare function validateBackoff(backoff: unknown, action: string): Backoff | undefined;
/** The default cap of an exponential backoff: one hour. */
export declare const DEFAULT_BACKOFF_MAX_MS = 3600000;
/**
 * The delay in milliseconds before retry number `retry` (1 for the first
 * retry). `random` returns a number in [0, 1) and is injectable for tests.
 */
export declare function backoffDelay(backoff: Backoff | undefined, retry: number, random?: () => number): number;
