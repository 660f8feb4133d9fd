/**
 * Actors: named job handlers, their options, and the types that tie an
 * actor's name to its arguments and result.
 *
 * @module
 */
import { validateBackoff } from "../core/backoff.js";
import { assertName } from "../core/names.js";
import { assertCount, assertDuration } from "../core/time.js";
export function defineActor(fn, options = {}) {
    if (fn instanceof URL)
        return defineModuleActor(fn, options);
    const action = "Cannot define actor";
    if (typeof fn !== "function") {
        throw new TypeError(`${action}: expected a function, got ${typeof fn}`);
    }
    if (options === null || typeof options !== "object") {
        throw new TypeError(`${action}: options must be an object`);
    }
    const name = assertName("actor", options.name ?? fn.name, `${action} ${fn.name || "(anonymous)"}`);
    const queue = assertName("queue", options.queue ?? "default", `${action} "${name}"`);
    const where = `${action} "${name}"`;
    validateCommon(options, where);
    return Object.freeze({
        kind: "repid.actor",
        name,
        queue,
        fn,
        options: Object.freeze({ ...options, name, queue }),
    });
}
function validateCommon(options, where) {
    if (options.retries !== undefined)
        assertCount(options.retries, "retries", where);
    validateBackoff(options.backoff, where);
    if (options.resultTtlMs !== undefined) {
        assertDuration(options.resultTtlMs, "resultTtlMs", where, 1);
    }
    if (options.timeoutMs !== undefined)
        assertDuration(options.timeoutMs, "timeoutMs", where, 1);
}
function defineModuleActor(module, options) {
    const action = `Cannot define actor from module ${module.href}`;
    if (options === null || typeof options !== "object") {
        throw new TypeError(`${action}: options must be an object`);
    }
    const exportName = options.export ?? "default";
    if (typeof exportName !== "string" || exportName === "") {
        throw new TypeError(`${action}: options.export must be the name of an exported function, got ${JSON.stringify(exportName) ?? String(exportName)}`);
    }
    if (options.name === undefined && exportName === "default") {
        throw new TypeError(`${action}: options.name is required for the default export (or name the export in options.export)`);
    }
    const name = assertName("actor", options.name ?? exportName, action);
    const where = `Cannot define actor "${name}"`;
    const queue = assertName("queue", options.queue ?? "default", where);
    validateCommon(options, where);
    const href = module.href;
    const fn = function () {
        throw new TypeError(`Cannot call actor "${name}" directly: it runs on a thread (export "${exportName}" of ${href})`);
    };
    return Object.freeze({
        kind: "repid.actor",
        name,
        queue,
        fn,
        options: Object.freeze({ ...options, name, queue, export: exportName }),
        module: href,
        exportName,
    });
}
/**
 * The definition `worker.actor()` registers: `input` as is, or defined anew
 * with `options` merged over its own.
 */
export function toActorDefinition(input, options) {
    if (!isActorDefinition(input)) {
        return input instanceof URL
            ? defineActor(input, options ?? {})
            : defineActor(input, options);
    }
    if (!options)
        return input;
    const merged = { ...input.options, ...options };
    return input.module !== undefined
        ? defineActor(new URL(input.module), merged)
        : defineActor(input.fn, merged);
}
/** Whether `value` is an {@linkcode ActorDefinition}. */
export function isActorDefinition(value) {
    return typeof value === "object" && value !== null &&
        value.kind === "repid.actor";
}
