/**
 * The program each thread of the pool runs (a Web Worker in Deno and Bun, a
 * `node:worker_threads` worker in Node). It loads actor modules by URL, keeps
 * them loaded, calls the named export with the job's arguments and posts back
 * the result as JSON, or the error's name, message and stack.
 *
 * @module
 */
var __rewriteRelativeImportExtension = (this && this.__rewriteRelativeImportExtension) || function (path, preserveJsx) {
    if (typeof path === "string" && /^\.\.?\//.test(path)) {
        return path.replace(/\.(tsx)$|((?:\.d)?)((?:\.[^./]+?)?)\.([cm]?)ts$/i, function (m, tsx, d, ext, cm) {
            return tsx ? preserveJsx ? ".jsx" : ".js" : d && (!ext || !cm) ? m : (d + ext + "." + cm.toLowerCase() + "js");
        });
    }
    return path;
};
import { toJobError } from "../core/job.js";
import { jsonProblem } from "../core/json.js";
async function openPort() {
    let parentPort = null;
    try {
        ({ parentPort } = await import("node:worker_threads"));
    }
    catch {
        // Not a runtime with node:worker_threads: a plain Web Worker.
    }
    if (parentPort) {
        const port = parentPort;
        // Uncaught errors end the thread; the pool hears of them through the
        // worker's "error" event, with the error's stack.
        return {
            post: (message) => port.postMessage(message),
            listen: (handler) => port.on("message", handler),
        };
    }
    const scope = globalThis;
    const post = (message) => scope.postMessage(message);
    // Report uncaught errors with their stack; the pool then replaces the thread.
    scope.addEventListener("error", (event) => {
        event.preventDefault();
        const e = event;
        post({ type: "crash", error: toJobError(e.error ?? { name: "Error", message: e.message }) });
    });
    scope.addEventListener("unhandledrejection", (event) => {
        event.preventDefault();
        post({ type: "crash", error: toJobError(event.reason) });
    });
    return {
        post,
        listen: (handler) => scope.addEventListener("message", (event) => handler(event.data)),
    };
}
/** Where the function to call under a deadline is put for the `node:vm` script. */
const SLOT = "__repidThreadCall";
let deadlineScript;
/**
 * Calls `call`, interrupting its synchronous part after `timeoutMs` with
 * `node:vm`'s watchdog: Deno's `Worker.terminate()` does not stop a busy
 * loop (denoland/deno#35657), this does. Without `node:vm`, calls directly.
 */
async function callWithin(call, timeoutMs) {
    if (deadlineScript === undefined) {
        try {
            const vm = await import("node:vm");
            deadlineScript = new vm.Script(`globalThis.${SLOT}()`);
        }
        catch {
            deadlineScript = null;
        }
    }
    if (!deadlineScript)
        return call();
    const scope = globalThis;
    scope[SLOT] = call;
    try {
        return deadlineScript.runInThisContext({ timeout: timeoutMs, displayErrors: false });
    }
    finally {
        delete scope[SLOT];
    }
}
function isDeadlineError(error) {
    return error?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT";
}
const modules = new Map();
/** Imports a module once per thread; a failed import is tried again next time. */
function load(url) {
    let loading = modules.get(url);
    if (!loading) {
        loading = import(__rewriteRelativeImportExtension(url));
        modules.set(url, loading);
        loading.catch(() => modules.delete(url));
    }
    return loading;
}
function describeExports(mod) {
    const names = Object.keys(mod).filter((k) => typeof mod[k] === "function");
    return names.length === 0
        ? "it exports no function"
        : `its functions are ${names.map((n) => JSON.stringify(n)).join(", ")}`;
}
async function run(message) {
    const { id } = message;
    const failed = (kind, error) => ({
        type: "failed",
        id,
        kind,
        error,
    });
    let mod;
    try {
        mod = await load(message.module);
    }
    catch (error) {
        return failed("load", toJobError(error));
    }
    const fn = mod[message.exportName];
    if (typeof fn !== "function") {
        const detail = message.exportName in mod
            ? `its export "${message.exportName}" is a ${typeof fn}, expected a function`
            : `it has no export "${message.exportName}" (${describeExports(mod)})`;
        return failed("export", { name: "Error", message: detail });
    }
    let value;
    try {
        const context = { ...message.context, signal: new AbortController().signal };
        const call = () => fn.apply(context, message.args);
        value = await (message.timeoutMs === undefined ? call() : callWithin(call, message.timeoutMs));
    }
    catch (error) {
        if (isDeadlineError(error))
            return failed("timeout", toJobError(error));
        return failed("threw", toJobError(error));
    }
    if (value === undefined)
        value = null;
    const problem = jsonProblem(value, "result");
    if (problem)
        return failed("json", { name: "TypeError", message: problem });
    return { type: "done", id, json: JSON.stringify(value) };
}
const port = await openPort();
port.listen((message) => {
    if (message?.type !== "run")
        return;
    void run(message).then((answer) => port.post(answer));
});
port.post({ type: "ready" });
