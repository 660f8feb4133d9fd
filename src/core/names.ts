/**
 * Validation of the names that end up inside store keys: queues, actors and
 * job ids.
 *
 * @module
 */

/** The longest queue or actor name accepted. */
export const MAX_NAME_LENGTH = 128;
/** The longest custom job id accepted. */
export const MAX_JOB_ID_LENGTH = 256;

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:\-]*$/;

/**
 * Throws a `TypeError` unless `name` is a valid queue or actor name: 1 to
 * 128 characters of letters, digits, `_`, `.`, `:` and `-`, not starting
 * with a punctuation mark other than `_`.
 */
export function assertName(kind: "queue" | "actor", name: unknown, action: string): string {
  if (typeof name !== "string") {
    throw new TypeError(`${action}: ${kind} name must be a string, got ${describe(name)}`);
  }
  if (name.length === 0) throw new TypeError(`${action}: ${kind} name is empty`);
  if (name.length > MAX_NAME_LENGTH) {
    throw new TypeError(
      `${action}: ${kind} name "${name.slice(0, 40)}…" is ${name.length} characters long, ` +
        `expected at most ${MAX_NAME_LENGTH}`,
    );
  }
  if (!NAME.test(name)) {
    throw new TypeError(
      `${action}: ${kind} name ${JSON.stringify(name)} is malformed, expected letters, ` +
        `digits, "_", ".", ":" or "-" (starting with a letter, digit or "_")`,
    );
  }
  return name;
}

/**
 * Throws a `TypeError` unless `prefix` is a valid key prefix: a non-empty
 * string without braces (which would break the queues' hash tags).
 */
export function assertPrefix(prefix: unknown, action: string): string {
  if (typeof prefix !== "string" || prefix === "" || /[{}]/.test(prefix)) {
    throw new TypeError(`${action}: prefix ${describe(prefix)} must be non-empty, no braces`);
  }
  return prefix;
}

/**
 * Throws a `TypeError` unless `id` is a valid job id: 1 to 256 characters
 * with no control characters or white space.
 */
export function assertJobId(id: unknown, action: string): string {
  if (typeof id !== "string") {
    throw new TypeError(`${action}: job id must be a string, got ${describe(id)}`);
  }
  if (id.length === 0) throw new TypeError(`${action}: job id is empty`);
  if (id.length > MAX_JOB_ID_LENGTH) {
    throw new TypeError(
      `${action}: job id is ${id.length} characters long, expected at most ${MAX_JOB_ID_LENGTH}`,
    );
  }
  // deno-lint-ignore no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(id)) {
    throw new TypeError(
      `${action}: job id ${JSON.stringify(id)} contains white space or control characters`,
    );
  }
  return id;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
