/**
 * Turning anything an actor throws into a storable error. Whatever is
 * thrown (an `Error` whose getters throw, a revoked `Proxy`, a cyclic
 * object without a prototype, a symbol, a BigInt…), the conversion never
 * throws: a failed attempt always has a stored description.
 *
 * @module
 */

import type { JobError } from "./job.ts";

/**
 * The longest `message` or `stack` stored for one error, in UTF-16 code
 * units; a longer one is cut, with a note of its length.
 */
export const MAX_ERROR_TEXT = 65_536;

/** The longest error `name` stored, in UTF-16 code units. */
const MAX_ERROR_NAME = 256;

/**
 * Turns anything thrown into a storable {@linkcode JobError}, never
 * throwing. An `Error` (or an object with a `message`) gives its `name`,
 * `message` and `stack`; any other value is described by its JSON, or its
 * string form, or its kind. Texts longer than {@linkcode MAX_ERROR_TEXT}
 * are cut.
 *
 * @example
 * ```ts
 * import { toJobError } from "./job_error.ts";
 *
 * const error = toJobError(new RangeError("too big"));
 * console.log(error.name, error.message); // RangeError too big
 * console.log(toJobError(Symbol("oops")).message); // Symbol(oops)
 * ```
 */
export function toJobError(thrown: unknown): JobError {
  try {
    return fromThrown(thrown);
  } catch (error) {
    // Unreachable by design; kept so that no thrown value can escape.
    return { name: "Error", message: `a thrown ${typeof thrown} (${briefly(error)})` };
  }
}

function fromThrown(thrown: unknown): JobError {
  if (thrown === null || (typeof thrown !== "object" && typeof thrown !== "function")) {
    return { name: "Error", message: cut(describePrimitive(thrown), MAX_ERROR_TEXT) };
  }
  const obj = thrown as Record<string, unknown>;
  const isError = attempt(() => thrown instanceof Error);
  const hasMessage = attempt(() => "message" in obj);
  if (isError.ok && isError.value || hasMessage.ok && hasMessage.value) {
    const name = attempt(() => obj.name);
    const message = attempt(() => obj.message);
    const stack = attempt(() => obj.stack);
    const error: JobError = {
      name: name.ok && typeof name.value === "string" ? cut(name.value, MAX_ERROR_NAME) : "Error",
      message: cut(
        message.ok
          ? typeof message.value === "string" ? message.value : describeValue(message.value)
          : `(the error's message could not be read: ${briefly(message.error)})`,
        MAX_ERROR_TEXT,
      ),
    };
    if (stack.ok && typeof stack.value === "string" && stack.value !== "") {
      error.stack = cut(stack.value, MAX_ERROR_TEXT);
    }
    return error;
  }
  return { name: "Error", message: cut(describeValue(thrown), MAX_ERROR_TEXT) };
}

/** A value other than an object or function, as text. */
function describePrimitive(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "bigint":
      return `${value}n`;
    case "symbol":
      return value.toString();
    default:
      return String(value);
  }
}

/**
 * Any value as text: its JSON, else its string form, else its kind with the
 * reason it cannot be shown. Never throws.
 */
function describeValue(value: unknown): string {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) {
    return describePrimitive(value);
  }
  const json = attempt(() => JSON.stringify(value));
  if (json.ok && typeof json.value === "string") return json.value;
  const text = attempt(() => String(value));
  if (text.ok && !/^\[object [^\]]*\]$/.test(text.value)) return text.value;
  const tag = text.ok ? text : attempt(() => Object.prototype.toString.call(value));
  const why = json.ok ? "not JSON" : `not JSON: ${briefly(json.error)}`;
  if (tag.ok) return `${tag.value} (${why})`;
  return `${typeof value === "function" ? "a function" : "an object"} that cannot be read (${
    briefly(tag.error)
  })`;
}

/**
 * A short account of an error raised while reading a thrown value (which
 * may itself be anything): its first line, if it can be read at all.
 */
function briefly(error: unknown): string {
  let text: string;
  if (typeof error === "string") text = error;
  else {
    const message = attempt(() => (error as { message?: unknown }).message);
    text = message.ok && typeof message.value === "string" ? message.value : typeof error;
  }
  const line = text.split("\n", 1)[0];
  return cut(line, 500);
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: unknown };

function attempt<T>(read: () => T): Attempt<T> {
  try {
    return { ok: true, value: read() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** `text`, cut to at most `max` code units (not inside a surrogate pair) with a note. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}… (cut, ${text.length} characters in all)`;
}
