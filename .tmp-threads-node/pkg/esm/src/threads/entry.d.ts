/**
 * The program each thread of the pool runs (a Web Worker in Deno and Bun, a
 * `node:worker_threads` worker in Node). It loads actor modules by URL, keeps
 * them loaded, calls the named export with the job's arguments and posts back
 * the result as JSON, or the error's name, message and stack.
 *
 * @module
 */
export {};
