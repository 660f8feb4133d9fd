/**
 * JSON rules for job arguments and results: only values that survive a
 * `JSON.stringify`/`JSON.parse` round trip unchanged are accepted.
 *
 * @module
 */

/**
 * Describes why `value` is not plain JSON, with the path of the first bad
 * part (`args[0].user.tags[2]`), or returns `null` when it is plain JSON.
 *
 * Accepted: `null`, booleans, finite numbers, strings, arrays without holes or
 * `undefined`, and plain objects (their `undefined` properties are dropped,
 * as `JSON.stringify` does). Refused: functions, symbols, BigInt, NaN and
 * ±Infinity, `undefined` outside an object property, cycles, and class
 * instances such as `Date`, `Map` or `Set` (convert them first).
 */
export function jsonProblem(value: unknown, path: string): string | null {
  // The path of the value being checked is kept as segments and spelled out
  // only for a problem, and the cycle check's set is made only for objects:
  // this runs for every job's arguments and result.
  let seen: Set<object> | undefined;
  const segments: (string | number)[] = [];
  const at = (): string => {
    let out = path;
    for (const s of segments) {
      out += typeof s === "number"
        ? `[${s}]`
        : /^[A-Za-z_$][\w$]*$/.test(s)
        ? `.${s}`
        : `[${JSON.stringify(s)}]`;
    }
    return out;
  };
  const walk = (v: unknown, inObject: boolean): string | null => {
    switch (typeof v) {
      case "string":
      case "boolean":
        return null;
      case "number":
        return Number.isFinite(v) ? null : `${at()} is ${v}, which JSON cannot hold`;
      case "undefined":
        return inObject ? null : `${at()} is undefined, which JSON cannot hold`;
      case "bigint":
        return `${at()} is a BigInt (${v}n), which JSON cannot hold; pass it as a string`;
      case "symbol":
        return `${at()} is a symbol, which JSON cannot hold`;
      case "function":
        return `${at()} is a function, which JSON cannot hold`;
    }
    if (v === null) return null;
    const obj = v as object;
    seen ??= new Set();
    if (seen.has(obj)) {
      return `${at()} refers back to itself (a cycle), which JSON cannot hold`;
    }
    if (Array.isArray(obj)) {
      seen.add(obj);
      for (let i = 0; i < obj.length; i++) {
        segments.push(i);
        const problem = !(i in obj)
          ? `${at()} is a hole in a sparse array, which JSON cannot hold`
          : walk(obj[i], false);
        segments.pop();
        if (problem) return problem;
      }
      seen.delete(obj);
      return null;
    }
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (obj as { constructor?: { name?: string } }).constructor?.name ||
        "object";
      return `${at()} is a ${kind} instance, expected a plain object, array or primitive`;
    }
    seen.add(obj);
    for (const key of Object.keys(obj)) {
      segments.push(key);
      const problem = walk((obj as Record<string, unknown>)[key], true);
      segments.pop();
      if (problem) return problem;
    }
    seen.delete(obj);
    return null;
  };
  return walk(value, false);
}

/**
 * Serialises `value` to JSON, or throws a `TypeError` that starts with
 * `action` and names the path of the first value JSON cannot hold.
 */
export function toJson(value: unknown, path: string, action: string): string {
  const problem = jsonProblem(value, path);
  if (problem) throw new TypeError(`${action}: ${problem}`);
  return JSON.stringify(value);
}
