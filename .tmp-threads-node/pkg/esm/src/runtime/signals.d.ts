/**
 * Shutdown signals, through `node:process`, which Deno and Node both provide.
 *
 * @module
 */
/** Calls `handler` on SIGINT or SIGTERM; returns a function that stops listening. */
export declare function onShutdownSignal(handler: (signal: string) => void): () => void;
