/**
 * Web Worker types for the npm build. Deno (and Bun) have a global `Worker`;
 * Node 20 does not, and `@types/node` 20 does not declare it. The library
 * uses it only behind a feature check (`src/runtime/threads.ts`, and the
 * thread entry's web branch), so the build declares just these few types
 * instead of the whole DOM library, which would let browser-only APIs that
 * Node 20 lacks (`navigator`, `window`, …) compile unnoticed.
 *
 * Only the members the library touches are declared, typed as the DOM and
 * Deno libraries type them (so `deno check` accepts this file beside them).
 */

interface Worker extends EventTarget {
  postMessage(message: unknown): void;
  terminate(): void;
}

// deno-lint-ignore no-var
declare var Worker: {
  prototype: Worker;
  new (url: string | URL, options?: { type?: "classic" | "module"; name?: string }): Worker;
};

interface ErrorEvent extends Event {
  readonly message: string;
  // deno-lint-ignore no-explicit-any
  readonly error: any;
}

interface PromiseRejectionEvent extends Event {
  // deno-lint-ignore no-explicit-any
  readonly reason: any;
  // deno-lint-ignore no-explicit-any
  readonly promise: Promise<any>;
}
