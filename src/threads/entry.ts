/**
 * The program each thread of the pool runs (a Web Worker in Deno and Bun, a
 * `node:worker_threads` worker in Node). It loads actor modules by URL, keeps
 * them loaded, calls the named export with the job's arguments and posts back
 * the result as JSON, or the error's name, message and stack.
 *
 * @module
 */

import type { JobError } from "../core/job.ts";
import { toJobError } from "../core/job_error.ts";
import { jsonProblem, stringifyJson } from "../core/json.ts";
import { nodeParentPort } from "./parent_port.ts";
import type { FailureKind, RunMessage, ThreadMessage } from "./protocol.ts";

interface Port {
  post(message: ThreadMessage): void;
  listen(handler: (message: RunMessage) => void): void;
}

interface WebScope {
  postMessage(message: unknown): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
}

async function openPort(): Promise<Port> {
  const parentPort = await nodeParentPort();
  const scope = globalThis as unknown as Partial<WebScope>;
  const port: Port = parentPort
    ? {
      post: (message) => parentPort.postMessage(message),
      listen: (handler) => parentPort.on("message", handler),
    }
    : {
      post: (message) => scope.postMessage!(message),
      listen: (handler) =>
        scope.addEventListener!("message", (event) => handler((event as MessageEvent).data)),
    };
  if (typeof scope.addEventListener === "function") {
    // A Web Worker (Deno; Bun, which offers parentPort there too): report
    // uncaught errors with their stack, then the pool replaces the thread.
    // Bun's own "error" event on the worker carries only a formatted message.
    // In node:worker_threads (no such listener) an uncaught error ends the
    // thread, and the pool hears of it, with the stack, from the worker.
    scope.addEventListener("error", (event) => {
      event.preventDefault();
      const e = event as ErrorEvent;
      port.post({
        type: "crash",
        error: toJobError(e.error ?? { name: "Error", message: e.message }),
      });
    });
    scope.addEventListener("unhandledrejection", (event) => {
      event.preventDefault();
      port.post({ type: "crash", error: toJobError((event as PromiseRejectionEvent).reason) });
    });
  }
  return port;
}

/** Where the function to call under a deadline is put for the `node:vm` script. */
const SLOT = "__repidThreadCall";
let deadlineScript: import("node:vm").Script | null | undefined;

/**
 * Calls `call`, interrupting its synchronous part after `timeoutMs` with
 * `node:vm`'s watchdog: Deno's `Worker.terminate()` does not stop a busy
 * loop (denoland/deno#35657), this does. Without `node:vm`, calls directly.
 */
async function callWithin(call: () => unknown, timeoutMs: number): Promise<unknown> {
  if (deadlineScript === undefined) {
    try {
      const vm = await import("node:vm");
      deadlineScript = new vm.Script(`globalThis.${SLOT}()`);
    } catch {
      deadlineScript = null;
    }
  }
  // The watchdog takes at most 2³² − 1 ms; past it, the pool's own timer
  // (which terminates the thread) is the only limit.
  if (!deadlineScript || timeoutMs > 0xffff_ffff) return call();
  const scope = globalThis as Record<string, unknown>;
  scope[SLOT] = call;
  try {
    return deadlineScript.runInThisContext({ timeout: timeoutMs, displayErrors: false });
  } finally {
    delete scope[SLOT];
  }
}

function isDeadlineError(error: unknown): boolean {
  try {
    return (error as { code?: unknown })?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT";
  } catch {
    return false; // a value whose properties cannot be read (a revoked Proxy…)
  }
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

/** Imports a module once per thread; a failed import is tried again next time. */
function load(url: string): Promise<Record<string, unknown>> {
  let loading = modules.get(url);
  if (!loading) {
    loading = import(url) as Promise<Record<string, unknown>>;
    modules.set(url, loading);
    loading.catch(() => modules.delete(url));
  }
  return loading;
}

function describeExports(mod: Record<string, unknown>): string {
  const names = Object.keys(mod).filter((k) => typeof mod[k] === "function");
  return names.length === 0
    ? "it exports no function"
    : `its functions are ${names.map((n) => JSON.stringify(n)).join(", ")}`;
}

async function run(message: RunMessage): Promise<ThreadMessage> {
  const { id } = message;
  const failed = (kind: FailureKind, error: JobError): ThreadMessage => ({
    type: "failed",
    id,
    kind,
    error,
  });
  let mod: Record<string, unknown>;
  try {
    mod = await load(message.module);
  } catch (error) {
    return failed("load", toJobError(error));
  }
  const fn = mod[message.exportName];
  if (typeof fn !== "function") {
    const detail = message.exportName in mod
      ? `its export "${message.exportName}" is a ${typeof fn}, expected a function`
      : `it has no export "${message.exportName}" (${describeExports(mod)})`;
    return failed("export", { name: "Error", message: detail });
  }
  let value: unknown;
  try {
    const context = {
      ...message.context,
      signal: new AbortController().signal,
      progress(progress: unknown): void {
        const problem = jsonProblem(progress, "progress");
        if (problem) {
          throw new TypeError(
            `Cannot report progress of job "${message.context.jobId}": ${problem}`,
          );
        }
        port.post({ type: "progress", id, json: stringifyJson(progress) });
      },
    };
    const args = JSON.parse(message.argsJson) as unknown[];
    const call = () => fn.apply(context, args);
    value = await (message.timeoutMs === undefined ? call() : callWithin(call, message.timeoutMs));
  } catch (error) {
    if (isDeadlineError(error)) return failed("timeout", toJobError(error));
    return failed("threw", toJobError(error));
  }
  if (value === undefined) value = null;
  try {
    const problem = jsonProblem(value, "result");
    if (problem) return failed("json", { name: "TypeError", message: problem });
    return { type: "done", id, json: stringifyJson(value) };
  } catch (error) {
    // A result that cannot even be inspected (a revoked Proxy, throwing getters).
    return failed("json", toJobError(error));
  }
}

const port = await openPort();
port.listen((message) => {
  if (message?.type !== "run") return;
  void run(message).then(
    (answer) => port.post(answer),
    // Unreachable by design: every failure of a run is answered, never left pending.
    (error) =>
      port.post({ type: "failed", id: message.id, kind: "threw", error: toJobError(error) }),
  );
});
port.post({ type: "ready" });
