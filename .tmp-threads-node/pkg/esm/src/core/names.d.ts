/**
 * Validation of the names that end up inside store keys: queues, actors and
 * job ids.
 *
 * @module
 */
/** The longest queue or actor name accepted. */
export declare const MAX_NAME_LENGTH = 128;
/** The longest custom job id accepted. */
export declare const MAX_JOB_ID_LENGTH = 256;
/**
 * Throws a `TypeError` unless `name` is a valid queue or actor name: 1 to
 * 128 characters of letters, digits, `_`, `.`, `:` and `-`, not starting
 * with a punctuation mark other than `_`.
 */
export declare function assertName(kind: "queue" | "actor", name: unknown, action: string): string;
/**
 * Throws a `TypeError` unless `id` is a valid job id: 1 to 256 characters
 * with no control characters or white space.
 */
export declare function assertJobId(id: unknown, action: string): string;
/** A short description of a value for error messages. */
export declare function describe(value: unknown): string;
