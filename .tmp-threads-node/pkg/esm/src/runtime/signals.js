/**
 * Shutdown signals, through `node:process`, which Deno and Node both provide.
 *
 * @module
 */
import process from "node:process";
/** Calls `handler` on SIGINT or SIGTERM; returns a function that stops listening. */
export function onShutdownSignal(handler) {
    const names = ["SIGINT", "SIGTERM"];
    const listener = (signal) => handler(signal);
    for (const name of names)
        process.on(name, listener);
    return () => {
        for (const name of names)
            process.off(name, listener);
    };
}
