/**
 * A counter of free job slots that the fetch loops wait on.
 *
 * @module
 */
/** Free slots out of a fixed capacity. */
export declare class Slots {
    #private;
    readonly capacity: number;
    /** @param capacity How many jobs may run at once. */
    constructor(capacity: number);
    /** How many slots are free now. */
    get free(): number;
    /** Takes one slot (the caller checked that one is free). */
    take(): void;
    /** Gives a slot back and wakes the waiters. */
    release(): void;
    /** Resolves when at least one slot is free, or when `signal` aborts. */
    waitFree(signal: AbortSignal): Promise<void>;
}
