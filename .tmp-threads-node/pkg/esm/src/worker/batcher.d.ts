/**
 * Collects calls made in the same tick into one batch, so that jobs that
 * finish together are acked in one round trip.
 *
 * @module
 */
/** Batches items and hands each caller its own answer. */
export declare class Batcher<I, O> {
    #private;
    readonly flush: (items: I[]) => Promise<O[]>;
    /** @param flush Runs one batch; returns one answer per item, in order. */
    constructor(flush: (items: I[]) => Promise<O[]>);
    /** Adds an item to the next batch; resolves with its answer. */
    add(item: I): Promise<O>;
}
