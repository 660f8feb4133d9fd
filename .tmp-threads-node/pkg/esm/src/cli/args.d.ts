/**
 * The command line of `repid worker`: parsing and the help text. Pure logic,
 * no I/O.
 *
 * @module
 */
import { RepidError } from "../errors.ts";
import type { LogLevel } from "../log.ts";
/** A wrong command line: unknown flag, missing value, bad number. */
export declare class UsageError extends RepidError {
}
/** What `repid worker …` was asked to do. */
export interface WorkerArgs {
    /** `true` when `--help` was given (everything else is then ignored). */
    help: boolean;
    /** The module to load the actors from (a path or a URL). */
    module: string;
    /** Keep only the actors of these queues; `undefined` keeps all. */
    queues?: string[];
    /** How many jobs may run at once. */
    concurrency?: number;
    /** The Redis key prefix. */
    prefix?: string;
    /** The Redis URL. */
    redisUrl?: string;
    /** The console log level. */
    logLevel: LogLevel;
    /** The lease length in milliseconds. */
    leaseMs?: number;
    /** How long running jobs may finish on shutdown, in milliseconds. */
    graceMs?: number;
}
/** The help text of `repid worker`. */
export declare const WORKER_HELP = "Usage: deno task worker <module> [options]\n\nRuns a Repid worker for the actors exported by <module>, a path relative to the\ncurrent directory or a URL. Every exported actor definition (from defineActor)\nis registered under its own name, every other exported function under its\nexport name. The worker stops gracefully on SIGINT or SIGTERM (twice: at once).\n\nOptions:\n  --queues a,b         Run only the actors of these queues (default: all)\n  --concurrency N      How many jobs run at once (default: 10)\n  --prefix P           The Redis key prefix; producers must use the same\n                       (default: repid)\n  --redis-url URL      The Redis to use (default: $REDIS_URL, else\n                       redis://127.0.0.1:6379)\n  --log-level LEVEL    debug, info, warn or error (default: info, which logs\n                       every job started and finished)\n  --lease-ms N         How long a job's lease lasts, in ms (default: 30000)\n  --grace-ms N         How long running jobs may finish on shutdown, in ms\n                       (default: 10000)\n  -h, --help           Show this help\n\nExample:\n  deno task worker examples/actors.ts --queues default,myqueue --concurrency 50\n";
/**
 * Parses the arguments that follow `worker` (flags as `--flag value` or
 * `--flag=value`). Throws a {@linkcode UsageError} naming the bad argument.
 */
export declare function parseWorkerArgs(argv: readonly string[]): WorkerArgs;
