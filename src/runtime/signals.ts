/**
 * Shutdown signals, through `node:process`, which Deno and Node both provide.
 *
 * @module
 */

import process from "node:process";

/**
 * Signals that arrive within this many milliseconds of the one before count
 * as that one. A terminal's Ctrl-C reaches every process of its foreground
 * group, and `deno task` (like `npm run` and many supervisors that signal a
 * whole process group) forwards it to its child as well, so one Ctrl-C can
 * arrive twice within a few milliseconds. A person pressing Ctrl-C again
 * takes longer than this.
 */
export const SIGNAL_REPEAT_WINDOW_MS = 1_000;

/** Options of {@linkcode onShutdownSignal}. */
export interface ShutdownSignalOptions {
  /**
   * Signals within this many milliseconds of the last one handled count as it.
   * @default {SIGNAL_REPEAT_WINDOW_MS (1000)}
   */
  windowMs?: number;
  /** Called for a signal that was counted as the one before. */
  onRepeat?: (signal: string) => void;
}

/**
 * Calls `handler` on SIGINT or SIGTERM, once per burst: a signal arriving
 * within {@linkcode SIGNAL_REPEAT_WINDOW_MS} of the last one handled is the
 * same event delivered twice and is ignored. Returns a function that stops
 * listening.
 *
 * @example
 * ```ts ignore
 * const stopListening = onShutdownSignal((signal) => console.log(`got ${signal}, stopping`));
 * stopListening();
 * ```
 */
export function onShutdownSignal(
  handler: (signal: string) => void,
  options: ShutdownSignalOptions = {},
): () => void {
  const windowMs = options.windowMs ?? SIGNAL_REPEAT_WINDOW_MS;
  const names = ["SIGINT", "SIGTERM"] as const;
  let last = -Infinity;
  const listener = (signal: string) => {
    const now = performance.now();
    if (now - last < windowMs) {
      options.onRepeat?.(signal);
      return;
    }
    last = now;
    handler(signal);
  };
  for (const name of names) process.on(name, listener);
  return () => {
    for (const name of names) process.off(name, listener);
  };
}
