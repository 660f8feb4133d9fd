/**
 * A small leveled logger interface, so users can plug in their own.
 *
 * @module
 */
/** Log levels, most verbose first. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
/** Where Repid writes what it does. Each method takes a message and optional fields. */
export interface Logger {
    /** Per-job detail. */
    debug(message: string, fields?: Record<string, unknown>): void;
    /** Jobs started and finished, workers starting and stopping. */
    info(message: string, fields?: Record<string, unknown>): void;
    /** Refused writes, lost connections, jobs put back. */
    warn(message: string, fields?: Record<string, unknown>): void;
    /** Failures Repid cannot recover from by itself. */
    error(message: string, fields?: Record<string, unknown>): void;
}
/**
 * A logger that writes one line per message to the console, dropping
 * messages below `level`.
 *
 * @example
 * ```ts
 * import { consoleLogger } from "@repid/repid";
 *
 * const log = consoleLogger("info");
 * log.info("worker started", { queues: ["default"] });
 * ```
 */
export declare function consoleLogger(level?: LogLevel): Logger;
/** Resolves a `logger` option: a logger, a level for the console logger, or the default. */
export declare function resolveLogger(option: Logger | LogLevel | undefined): Logger;
