/**
 * The job model shared by every backend: statuses, results, errors, and the
 * conversion of thrown values into storable errors.
 *
 * @module
 */
/** Whether a job in `status` has finished. */
export function isFinished(status) {
    return status === "done" || status === "failed" || status === "dead";
}
/** Turns anything thrown into a storable {@linkcode JobError}. */
export function toJobError(thrown) {
    if (thrown instanceof Error) {
        const error = { name: thrown.name, message: thrown.message };
        if (thrown.stack)
            error.stack = thrown.stack;
        return error;
    }
    if (thrown && typeof thrown === "object" && "message" in thrown) {
        const t = thrown;
        const error = {
            name: typeof t.name === "string" ? t.name : "Error",
            message: String(t.message),
        };
        if (typeof t.stack === "string")
            error.stack = t.stack;
        return error;
    }
    let message;
    try {
        message = typeof thrown === "string" ? thrown : JSON.stringify(thrown) ?? String(thrown);
    }
    catch {
        message = String(thrown);
    }
    return { name: "Error", message };
}
/** How long the record of a dead-lettered job is kept: seven days. */
export const DEAD_TTL_MS = 7 * 86_400_000;
/** Parses `text` as JSON, or returns `fallback` when it is not valid JSON. */
export function parseJsonOr(text, fallback) {
    try {
        return JSON.parse(text);
    }
    catch {
        return fallback;
    }
}
/** The error stored with a job dead-lettered after `maxDeliveries` deliveries. */
export function deliveryLimitError(reason, maxDeliveries) {
    return {
        name: "DeadLetterError",
        message: `Dead-lettered (${reason}) after ${maxDeliveries} deliveries`,
    };
}
/**
 * Builds a {@linkcode JobInfo} from a job's stored fields (a Redis hash, or
 * the same fields held in memory): `status`, `actor`, `deliveries`,
 * `attempts`, `enq`, `due`, and once finished `value`, `error`, `errors`,
 * `started`, `finished`, `reason`.
 */
export function jobInfoFromHash(queue, id, h) {
    const status = h.status;
    const info = {
        id,
        queue,
        actor: h.actor ?? "",
        status,
        deliveries: Number(h.deliveries ?? 0),
        attempts: Number(h.attempts ?? 0),
        enqueuedAt: Number(h.enq ?? 0),
        dueAt: status === "deferred" && h.due ? Number(h.due) : null,
        result: null,
    };
    if (isFinished(status)) {
        const result = {
            id,
            queue,
            actor: info.actor,
            status,
            success: status === "done",
            value: status === "done" && h.value !== undefined ? parseJsonOr(h.value, null) : null,
            error: h.error ? parseJsonOr(h.error, null) : null,
            errors: h.errors ? parseJsonOr(h.errors, []) : [],
            attempts: info.attempts,
            deliveries: info.deliveries,
            enqueuedAt: info.enqueuedAt,
            startedAt: h.started ? Number(h.started) : null,
            finishedAt: Number(h.finished ?? 0),
        };
        if (h.reason)
            result.reason = h.reason;
        info.result = result;
    }
    return info;
}
