/**
 * The cursor of `q.jobs()`: an opaque text naming the queue, the state and
 * where the page ended, so that a cursor of another listing is refused.
 *
 * @module
 */

import type { QueueState } from "./queue_state.ts";

const TAG = "rj1.";

/** Where a page ended: the last entry it passed and that entry's position. */
export interface CursorPosition {
  /** The entry's job id. */
  id: string;
  /** Its position (a score, or a distance from the tail of the queued list). */
  at: number;
}

/**
 * The cursor of the page after `after` in the listing of `state` of `queue`.
 *
 * @example
 * ```ts
 * import { encodeCursor } from "./jobs_cursor.ts";
 *
 * console.log(encodeCursor("emails", "dead", { id: "j1", at: 1 }).startsWith("rj1.")); // true
 * ```
 */
export function encodeCursor(queue: string, state: QueueState, after: CursorPosition): string {
  const json = JSON.stringify([queue, state, after.id, after.at]);
  let binary = "";
  for (const byte of new TextEncoder().encode(json)) binary += String.fromCharCode(byte);
  return TAG + btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * The position in `cursor`, checked to be a cursor of the listing of `state`
 * of `queue`; throws a `TypeError` for a cursor that is not a string, and a
 * `RangeError` naming the cursor for one that is not ours or belongs to
 * another listing.
 *
 * @example
 * ```ts
 * import { decodeCursor, encodeCursor } from "./jobs_cursor.ts";
 *
 * const cursor = encodeCursor("emails", "dead", { id: "j1", at: 1 });
 * console.log(decodeCursor(cursor, "emails", "dead", "Cannot list jobs")); // { id: "j1", at: 1 }
 * ```
 */
export function decodeCursor(
  cursor: unknown,
  queue: string,
  state: QueueState,
  action: string,
): CursorPosition {
  if (typeof cursor !== "string") {
    throw new TypeError(
      `${action}: cursor must be the string a previous page returned, got ${typeof cursor}`,
    );
  }
  const shown = JSON.stringify(cursor.length > 60 ? cursor.slice(0, 60) + "…" : cursor);
  let parts: unknown = null;
  if (cursor.startsWith(TAG)) {
    try {
      const binary = atob(cursor.slice(TAG.length).replaceAll("-", "+").replaceAll("_", "/"));
      const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
      parts = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch {
      parts = null;
    }
  }
  if (
    !Array.isArray(parts) || parts.length !== 4 || typeof parts[2] !== "string" ||
    !Number.isFinite(parts[3])
  ) {
    throw new RangeError(
      `${action}: cursor ${shown} is not a cursor of q.jobs(): pass the cursor of the previous page as it was returned`,
    );
  }
  if (parts[0] !== queue || parts[1] !== state) {
    throw new RangeError(
      `${action}: cursor ${shown} belongs to the listing of state "${parts[1]}" of queue "${
        parts[0]
      }", not of state "${state}" of queue "${queue}"`,
    );
  }
  return { id: parts[2], at: parts[3] };
}
