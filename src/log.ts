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

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

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
export function consoleLogger(level: LogLevel = "warn"): Logger {
  const min = ORDER[level];
  if (min === undefined) {
    throw new RangeError(
      `Cannot create logger: level ${JSON.stringify(level)} is not one of ${
        Object.keys(ORDER).join(", ")
      }`,
    );
  }
  const line = (lvl: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    const time = new Date().toISOString();
    const extra = fields && Object.keys(fields).length ? " " + safeJson(fields) : "";
    const text = `${time} ${lvl.toUpperCase().padEnd(5)} repid: ${message}${extra}`;
    if (lvl === "error" || lvl === "warn") console.error(text);
    else console.log(text);
  };
  return {
    debug: (m, f) => line("debug", m, f),
    info: (m, f) => line("info", m, f),
    warn: (m, f) => line("warn", m, f),
    error: (m, f) => line("error", m, f),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => v instanceof Error ? `${v.name}: ${v.message}` : v);
  } catch {
    return String(value);
  }
}

/** Resolves a `logger` option: a logger, a level for the console logger, or the default. */
export function resolveLogger(option: Logger | LogLevel | undefined): Logger {
  if (option === undefined || typeof option === "string") return consoleLogger(option ?? "warn");
  return option;
}
