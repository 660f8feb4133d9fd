/**
 * The messages between the main thread and a thread of the pool. Plain,
 * structured-cloneable data only: the result travels as a JSON string.
 *
 * @module
 */
export {};
