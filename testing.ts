/**
 * Testing helpers: run your actors on Repid's in-memory backend inside your
 * own tests, with no Redis, and await "every queued job finished".
 *
 * @example Testing an actor
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTestEnv } from "@repid/repid/testing";
 *
 * const env = createTestEnv();
 * env.worker.actor(async function string_length(s: string) {
 *   return s.length;
 * });
 * const job = await env.producer.enqueueJob("string_length", { args: ["hello"] });
 * await env.drain(); // every queued job has finished
 * assert.equal((await job.getResult())?.value, 5);
 * await env.close();
 * ```
 *
 * @module
 */

export {
  createTestEnv,
  DrainError,
  type DrainOptions,
  TestEnv,
  type TestEnvOptions,
} from "./src/testing/test_env.ts";
export {
  MemoryBackend,
  type MemoryBackendOptions,
  type MemoryQueueCounts,
} from "./src/backend/memory/memory_backend.ts";
