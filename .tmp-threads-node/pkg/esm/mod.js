/**
 * Repid: a job queue for Deno and Node.js over Redis. Workers hold actors
 * (named handlers); producers enqueue jobs by actor name onto FIFO queues and
 * await their stored results. Delivery is at least once: a fetched job is
 * leased, its lease is renewed while it runs, and a job whose worker died
 * runs again elsewhere, so write actors that may safely run twice.
 *
 * @example Worker and producer
 * ```ts ignore
 * import { Repid, Worker } from "@repid/repid";
 *
 * const worker = new Worker("redis://127.0.0.1:6379", { concurrency: 50 });
 * worker.actor(async function string_length(theString: string): Promise<number> {
 *   return theString.length;
 * });
 * const running = worker.runForever();
 *
 * const producer = new Repid("redis://127.0.0.1:6379");
 * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
 * console.log((await job.result).value); // 5
 *
 * await worker.stop();
 * await running;
 * await producer.close();
 * ```
 *
 * @module
 */
export { ActorLoadError, ConnectionError, JobNotFoundError, JobTimeoutError, LeaseLostError, NonJsonResultError, RepidError, ResultTimeoutError, ThreadCrashError, } from "./src/errors.js";
export { consoleLogger } from "./src/log.js";
export { defineActor, } from "./src/worker/actor.js";
export { Worker, } from "./src/worker/worker.js";
export { Job, Repid, } from "./src/producer/repid.js";
export { days, hours, minutes, seconds } from "./src/core/schedule.js";
export { Schedule, } from "./src/producer/schedule.js";
export { MemoryBackend, } from "./src/backend/memory/memory_backend.js";
