/**
 * Waiting that an `AbortSignal` can cut short.
 *
 * @module
 */
/** Resolves after `ms` milliseconds, or as soon as `signal` aborts (never rejects). */
export declare function sleep(ms: number, signal?: AbortSignal): Promise<void>;
/** A promise with its resolve and reject functions (Node 20 lacks `Promise.withResolvers`). */
export interface Deferred<T> {
    /** The promise. */
    promise: Promise<T>;
    /** Resolves the promise. */
    resolve: (value: T) => void;
    /** Rejects the promise. */
    reject: (reason: unknown) => void;
}
/** Creates a {@linkcode Deferred}. */
export declare function deferred<T>(): Deferred<T>;
