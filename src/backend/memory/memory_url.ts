/**
 * The in-memory store of a `memory://` URL.
 *
 * @module
 */

import { MemoryBackend } from "./memory_backend.ts";
import type { Retention } from "../../core/queue_state.ts";

/**
 * Opens the store of a `memory://` URL: `memory://` is the process's
 * default shared store, `memory://name` the store of that name.
 */
export function memoryBackendFromUrl(
  url: string,
  options: { prefix?: string; retention?: Retention },
  action: string,
): MemoryBackend {
  const m = /^memory:\/\/([A-Za-z0-9_.:\-]*)\/?$/.exec(url);
  if (!m) {
    throw new TypeError(
      `${action}: memory URL ${JSON.stringify(url)} must be memory:// or memory://name ` +
        `(letters, digits, "_", ".", ":" or "-")`,
    );
  }
  return new MemoryBackend({ store: m[1], prefix: options.prefix, retention: options.retention });
}
