/**
 * The program of the short-lived thread that checks sync actors' modules
 * before a worker starts: it imports each module it is sent, as a thread of
 * the pool would, and answers with the module's exports and their types, or
 * the import's error.
 *
 * @module
 */

import { toJobError } from "../core/job_error.ts";
import { nodeParentPort } from "./parent_port.ts";
import type { ProbeAnswer, ProbeRequest } from "./probe.ts";

async function probe(url: string): Promise<ProbeAnswer> {
  try {
    const mod = await import(url) as Record<string, unknown>;
    return { url, exports: Object.keys(mod).map((name) => [name, typeof mod[name]]) };
  } catch (error) {
    return { url, error: toJobError(error) };
  }
}

async function answer(request: ProbeRequest, post: (answer: ProbeAnswer[]) => void) {
  post(await Promise.all(request.modules.map(probe)));
}

const port = await nodeParentPort();
if (port) {
  port.once("message", (request: ProbeRequest) => answer(request, (a) => port.postMessage(a)));
} else {
  const scope = globalThis as unknown as {
    postMessage(message: unknown): void;
    addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  };
  scope.addEventListener(
    "message",
    (event) => answer(event.data as ProbeRequest, (a) => scope.postMessage(a)),
  );
}
