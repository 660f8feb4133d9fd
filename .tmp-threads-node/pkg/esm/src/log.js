/**
 * A small leveled logger interface, so users can plug in their own.
 *
 * @module
 */
const ORDER = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };
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
export function consoleLogger(level = "warn") {
    const min = ORDER[level];
    if (min === undefined) {
        throw new RangeError(`Cannot create logger: level ${JSON.stringify(level)} is not one of ${Object.keys(ORDER).join(", ")}`);
    }
    const line = (lvl, message, fields) => {
        if (ORDER[lvl] < min)
            return;
        const time = new Date().toISOString();
        const extra = fields && Object.keys(fields).length ? " " + safeJson(fields) : "";
        const text = `${time} ${lvl.toUpperCase().padEnd(5)} repid: ${message}${extra}`;
        if (lvl === "error" || lvl === "warn")
            console.error(text);
        else
            console.log(text);
    };
    return {
        debug: (m, f) => line("debug", m, f),
        info: (m, f) => line("info", m, f),
        warn: (m, f) => line("warn", m, f),
        error: (m, f) => line("error", m, f),
    };
}
function safeJson(value) {
    try {
        return JSON.stringify(value, (_k, v) => v instanceof Error ? `${v.name}: ${v.message}` : v);
    }
    catch {
        return String(value);
    }
}
/** Resolves a `logger` option: a logger, a level for the console logger, or the default. */
export function resolveLogger(option) {
    if (option === undefined || typeof option === "string")
        return consoleLogger(option ?? "warn");
    return option;
}
