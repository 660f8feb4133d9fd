/**
 * Recurring jobs, the pure part: duration helpers, schedule rules (a fixed
 * period or a cron pattern), when the next occurrence falls, validation, and
 * the ids of schedules and of their occurrences. No I/O and no clock of its
 * own: every function takes the current time (UTC epoch ms from the store's
 * clock) as an argument.
 *
 * @module
 */
/** The shortest period a fixed-rate schedule accepts: one second. */
export declare const MIN_PERIOD_MS = 1000;
/**
 * The longest schedule id accepted, so that an occurrence id
 * (`<scheduleId>@<epochMs>`) stays within the 256 characters of a job id.
 */
export declare const MAX_SCHEDULE_ID_LENGTH = 200;
/**
 * `n` seconds in milliseconds.
 *
 * @example
 * ```ts
 * import { seconds } from "@repid/repid";
 *
 * console.log(seconds(30)); // 30000
 * ```
 */
export declare function seconds(n: number): number;
/**
 * `n` minutes in milliseconds.
 *
 * @example
 * ```ts
 * import { minutes } from "@repid/repid";
 *
 * console.log(minutes(5)); // 300000
 * ```
 */
export declare function minutes(n: number): number;
/**
 * `n` hours in milliseconds.
 *
 * @example
 * ```ts
 * import { hours } from "@repid/repid";
 *
 * console.log(hours(2)); // 7200000
 * ```
 */
export declare function hours(n: number): number;
/**
 * `n` days of exactly 24 hours in milliseconds (`days(1)` is 86 400 000).
 * A fixed period ignores daylight saving time; use a `cron` pattern with a
 * `tz` for "every day at 9:00 local time".
 *
 * @example
 * ```ts
 * import { days } from "@repid/repid";
 *
 * console.log(days(1)); // 86400000
 * ```
 */
export declare function days(n: number): number;
/** When a schedule's occurrences fall. */
export type ScheduleRule = {
    /** A fixed rate: `anchor`, `anchor + everyMs`, `anchor + 2·everyMs`, … */
    kind: "every";
    /** The period in milliseconds (≥ 1000). */
    everyMs: number;
    /** The first occurrence (epoch ms); every later one is a whole number of periods after it. */
    anchor: number;
} | {
    /** The times a cron pattern matches. */
    kind: "cron";
    /** The pattern: 5 fields, or 6 with seconds first (croner syntax). */
    cron: string;
    /** The IANA time zone the pattern is read in. */
    tz: string;
};
/**
 * The first occurrence of a fixed-rate schedule strictly after `after`:
 * occurrences are `anchor + k·periodMs` for k ≥ 0, so a late run never
 * shifts the ones after it (no drift).
 */
export declare function nextFixedRate(anchor: number, periodMs: number, after: number): number;
/**
 * The first time strictly after `after` (epoch ms) that the cron `pattern`
 * matches in time zone `tz`, or `null` when it never matches again.
 */
export declare function nextCron(pattern: string, tz: string, after: number): number | null;
/**
 * The first occurrence of `rule` strictly after `after`, or `null` when a
 * cron pattern never matches again.
 */
export declare function nextOccurrence(rule: ScheduleRule, after: number): number | null;
/**
 * The occurrence to create once the occurrence due at `at` starts, `now`
 * being the store's clock at the start. By default occurrences missed while
 * no worker ran are skipped: the result is the first one after `now`. With
 * `catchUp`, it is the one right after `at`, even if already past, so every
 * missed occurrence runs, one after another.
 */
export declare function followingOccurrence(rule: ScheduleRule, at: number, now: number, catchUp: boolean): number | null;
/**
 * The first occurrence of a new schedule registered at `now` (store clock):
 * - fixed rate without `deferUntil`: one period after `now`;
 * - fixed rate with `deferUntil`: at `deferUntil` (now, if it is past), then
 *   every period from it;
 * - cron without `deferUntil`: the first match after `now`;
 * - cron with `deferUntil`: the first match at or after `deferUntil`.
 *
 * Returns the first occurrence and the rule with its anchor set.
 */
export declare function firstOccurrence(spec: ScheduleSpec, now: number, deferUntil: number | undefined): {
    at: number;
    rule: ScheduleRule;
} | null;
/** A validated schedule rule without its anchor (what a registration asks for). */
export type ScheduleSpec = {
    kind: "every";
    everyMs: number;
} | {
    kind: "cron";
    cron: string;
    tz: string;
};
/**
 * Validates the recurring options of an enqueue call and returns the spec,
 * or `null` when neither `deferBy` nor `cron` is given. Throws a `TypeError`
 * or `RangeError` naming the value.
 */
export declare function parseScheduleSpec(options: {
    deferBy?: unknown;
    cron?: unknown;
    tz?: unknown;
    catchUp?: unknown;
}, action: string): ScheduleSpec | null;
/**
 * Returns the canonical name of an IANA time zone (`"europe/berlin"` →
 * `"Europe/Berlin"`), or throws a `RangeError` naming it.
 */
export declare function assertTimeZone(tz: unknown, action: string): string;
/**
 * Returns the trimmed cron pattern, or throws a `TypeError` naming it when
 * it cannot be parsed or never matches.
 */
export declare function assertCron(cron: unknown, tz: string, action: string): string;
/**
 * A key that changes whenever the timing of a schedule changes (its period,
 * or its pattern and time zone); re-registering with another key restarts
 * the schedule's timing.
 */
export declare function ruleKey(spec: ScheduleSpec): string;
/** JSON with object keys sorted at every level, so equal values give equal text. */
export declare function canonicalJson(value: unknown): string;
/**
 * The id of a schedule registered without a `jobId`: `<actor>~<hash>`, the
 * hash being the first 32 hex digits of SHA-256 over the queue, the actor
 * and the canonical JSON of the arguments (object keys sorted). The period,
 * cron pattern and other settings are not part of it, so registering the
 * same actor and arguments with another period updates that schedule.
 */
export declare function derivedScheduleId(queue: string, actor: string, args: unknown[]): Promise<string>;
/** The deterministic job id of a schedule's occurrence due at `at`: `<scheduleId>@<at>`. */
export declare function occurrenceId(scheduleId: string, at: number): string;
/** Throws a `TypeError` unless `id` fits as a schedule id (≤ 200 characters). */
export declare function assertScheduleIdLength(id: string, action: string): string;
/** Whether a schedule creates occurrences (`active`) or not (`paused`). */
export type ScheduleStatus = "active" | "paused";
/** What a store knows of a schedule. Times are UTC epoch ms (store clock). */
export interface ScheduleInfo {
    /** The schedule's id. */
    id: string;
    /** Its queue. */
    queue: string;
    /** The actor its occurrences run. */
    actor: string;
    /** The arguments every occurrence gets. */
    args: unknown[];
    /** `active`, or `paused` (no occurrences are created). */
    status: ScheduleStatus;
    /** The fixed period in ms (`deferBy`), or `null` for a cron schedule. */
    every: number | null;
    /** The cron pattern, or `null` for a fixed-rate schedule. */
    cron: string | null;
    /** The cron pattern's IANA time zone, or `null` for a fixed-rate schedule. */
    tz: string | null;
    /**
     * For a fixed-rate schedule, its first occurrence: every occurrence is a
     * whole number of periods after it. `null` for a cron schedule.
     */
    anchor: number | null;
    /** Whether missed occurrences are run late instead of skipped. */
    catchUp: boolean;
    /** When the next occurrence is due, or `null` while paused. */
    nextRunAt: number | null;
    /** When the latest occurrence that started was due, or `null` before the first. */
    lastRunAt: number | null;
    /** When the schedule was registered. */
    createdAt: number;
}
/** A schedule registration as the producer hands it to a store. */
export interface NewSchedule {
    /** The schedule id. */
    id: string;
    /** The queue. */
    queue: string;
    /** The actor's name. */
    actor: string;
    /** The arguments as a JSON array. */
    argsJson: string;
    /** Per-job options of every occurrence as a JSON object (`"{}"` for none). */
    optionsJson: string;
    /** The rule, with its anchor set for this registration. */
    rule: ScheduleRule;
    /** See {@linkcode ScheduleInfo.catchUp}. */
    catchUp: boolean;
    /** {@linkcode ruleKey} of the rule. */
    ruleKey: string;
    /** A key of everything a re-registration may change; equal keys keep the schedule as it is. */
    definitionKey: string;
    /** The store time the registration was computed at. */
    now: number;
    /** The first occurrence if the schedule is created or its rule changes. */
    firstAt: number;
}
/** What registering a schedule did. */
export type ScheduleOutcome = "created" | "updated" | "kept";
/** The rule of a stored schedule. */
export declare function ruleOf(info: ScheduleInfo): ScheduleRule;
/**
 * Builds a {@linkcode ScheduleInfo} from a schedule's stored fields (a Redis
 * hash, or the same fields held in memory): `actor`, `args`, `status`,
 * `every`, `anchor`, `cron`, `tz`, `catchup` (`"1"`/`"0"`), `next`, `last`,
 * `created`.
 */
export declare function scheduleInfoFromFields(queue: string, id: string, h: Record<string, string>): ScheduleInfo;
