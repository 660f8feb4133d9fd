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
export function jsonProblem(value, path) {
    const seen = new Set();
    const walk = (v, at, inObject) => {
        switch (typeof v) {
            case "string":
            case "boolean":
                return null;
            case "number":
                return Number.isFinite(v) ? null : `${at} is ${v}, which JSON cannot hold`;
            case "undefined":
                return inObject ? null : `${at} is undefined, which JSON cannot hold`;
            case "bigint":
                return `${at} is a BigInt (${v}n), which JSON cannot hold; pass it as a string`;
            case "symbol":
                return `${at} is a symbol, which JSON cannot hold`;
            case "function":
                return `${at} is a function, which JSON cannot hold`;
        }
        if (v === null)
            return null;
        const obj = v;
        if (seen.has(obj))
            return `${at} refers back to itself (a cycle), which JSON cannot hold`;
        if (Array.isArray(obj)) {
            seen.add(obj);
            for (let i = 0; i < obj.length; i++) {
                if (!(i in obj))
                    return `${at}[${i}] is a hole in a sparse array, which JSON cannot hold`;
                const problem = walk(obj[i], `${at}[${i}]`, false);
                if (problem)
                    return problem;
            }
            seen.delete(obj);
            return null;
        }
        const proto = Object.getPrototypeOf(obj);
        if (proto !== Object.prototype && proto !== null) {
            const kind = obj.constructor?.name || "object";
            return `${at} is a ${kind} instance, expected a plain object, array or primitive`;
        }
        seen.add(obj);
        for (const key of Object.keys(obj)) {
            const problem = walk(obj[key], /^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`, true);
            if (problem)
                return problem;
        }
        seen.delete(obj);
        return null;
    };
    return walk(value, path, false);
}
/**
 * Serialises `value` to JSON, or throws a `TypeError` that starts with
 * `action` and names the path of the first value JSON cannot hold.
 */
export function toJson(value, path, action) {
    const problem = jsonProblem(value, path);
    if (problem)
        throw new TypeError(`${action}: ${problem}`);
    return JSON.stringify(value);
}
