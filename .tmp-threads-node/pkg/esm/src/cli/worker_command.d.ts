/**
 * `repid worker <module> [options]`: runs a worker for the actors a module
 * exports, until SIGINT or SIGTERM. Shared by `deno task worker` and the npm
 * `repid` bin.
 *
 * @module
 */
import { RepidError } from "../errors.ts";
/** The Redis URL used when neither `--redis-url` nor `REDIS_URL` is given. */
export declare const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
/** A module that cannot be loaded, or has no actor to run. */
export declare class CommandError extends RepidError {
}
/**
 * Runs `repid worker` with the arguments that follow `worker`. Writes the
 * help or one error line, or runs the worker until it is stopped by a
 * signal. Resolves with the process exit code: 0 after a graceful stop or
 * `--help`, 1 when the module cannot be used, 2 on a wrong command line.
 */
export declare function workerCommand(argv: readonly string[]): Promise<number>;
