/**
 * Recurring jobs, the pure part: schedule rules (a fixed
 * period or a cron pattern), when the next occurrence falls, validation, and
 * the ids of schedules and of their occurrences. No I/O and no clock of its
 * own: every function takes the current time (UTC epoch ms from the store's
 * clock) as an argument.
 *
 * @module
 */

import { Cron } from "croner";
import { jsonKeys, writeJson } from "./json.ts";
import { describe, MAX_JOB_ID_LENGTH, utf8Length } from "./names.ts";

/** The shortest period a fixed-rate schedule accepts: one second. */
export const MIN_PERIOD_MS = 1_000;
/**
 * The longest period a fixed-rate schedule accepts: 100 years of 365 days,
 * so that occurrence times stay exact integers of epoch milliseconds.
 */
export const MAX_PERIOD_MS = 100 * 365 * 86_400_000;

/**
 * The longest schedule id accepted, in bytes of UTF-8, so that an occurrence
 * id (`<scheduleId>@<epochMs>`, at most 17 bytes more) stays within the 256
 * bytes of a job id.
 */
export const MAX_SCHEDULE_ID_LENGTH = 200;

/** When a schedule's occurrences fall. */
export type ScheduleRule =
  | {
    /** A fixed rate: `anchor`, `anchor + everyMs`, `anchor + 2·everyMs`, … */
    kind: "every";
    /** The period in milliseconds (≥ 1000). */
    everyMs: number;
    /** The first occurrence (epoch ms); every later one is a whole number of periods after it. */
    anchor: number;
  }
  | {
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
export function nextFixedRate(anchor: number, periodMs: number, after: number): number {
  if (after < anchor) return anchor;
  return anchor + (Math.floor((after - anchor) / periodMs) + 1) * periodMs;
}

const cronCache = new Map<string, Cron>();

function cronFor(pattern: string, tz: string): Cron {
  const key = `${tz} ${pattern}`;
  let c = cronCache.get(key);
  if (!c) {
    c = new Cron(pattern, { timezone: tz });
    if (cronCache.size >= 256) cronCache.delete(cronCache.keys().next().value!);
    cronCache.set(key, c);
  }
  return c;
}

/**
 * The first time strictly after `after` (epoch ms) that the cron `pattern`
 * matches in time zone `tz`, or `null` when it never matches again.
 */
export function nextCron(pattern: string, tz: string, after: number): number | null {
  const next = cronFor(pattern, tz).nextRun(new Date(after));
  return next ? next.getTime() : null;
}

/**
 * The first occurrence of `rule` strictly after `after`, or `null` when a
 * cron pattern never matches again.
 */
export function nextOccurrence(rule: ScheduleRule, after: number): number | null {
  return rule.kind === "every"
    ? nextFixedRate(rule.anchor, rule.everyMs, after)
    : nextCron(rule.cron, rule.tz, after);
}

/**
 * The occurrence to create once the occurrence due at `at` starts, `now`
 * being the store's clock at the start. By default occurrences missed while
 * no worker ran are skipped: the result is the first one after `now`. With
 * `catchUp`, it is the one right after `at`, even if already past, so every
 * missed occurrence runs, one after another.
 */
export function followingOccurrence(
  rule: ScheduleRule,
  at: number,
  now: number,
  catchUp: boolean,
): number | null {
  return nextOccurrence(rule, catchUp ? at : Math.max(at, now));
}

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
export function firstOccurrence(
  spec: ScheduleSpec,
  now: number,
  deferUntil: number | undefined,
): { at: number; rule: ScheduleRule } | null {
  if (spec.kind === "every") {
    const anchor = deferUntil ?? now + spec.everyMs;
    return { at: anchor, rule: { kind: "every", everyMs: spec.everyMs, anchor } };
  }
  const rule: ScheduleRule = { kind: "cron", cron: spec.cron, tz: spec.tz };
  const at = nextCron(spec.cron, spec.tz, deferUntil === undefined ? now : deferUntil - 1);
  return at === null ? null : { at, rule };
}

/** A validated schedule rule without its anchor (what a registration asks for). */
export type ScheduleSpec =
  | { kind: "every"; everyMs: number }
  | { kind: "cron"; cron: string; tz: string };

/**
 * Validates the recurring options of an enqueue call and returns the spec,
 * or `null` when neither `deferBy` nor `cron` is given. Throws a `TypeError`
 * or `RangeError` naming the value.
 */
export function parseScheduleSpec(
  options: { deferBy?: unknown; cron?: unknown; tz?: unknown; catchUp?: unknown },
  action: string,
): ScheduleSpec | null {
  const { deferBy, cron, tz, catchUp } = options;
  if (catchUp !== undefined && typeof catchUp !== "boolean") {
    throw new TypeError(`${action}: catchUp must be a boolean, got ${describe(catchUp)}`);
  }
  if (deferBy !== undefined && cron !== undefined) {
    throw new TypeError(`${action}: give deferBy or cron, not both`);
  }
  if (deferBy !== undefined) {
    if (tz !== undefined) {
      throw new TypeError(`${action}: tz applies to cron only; deferBy is a fixed period`);
    }
    if (typeof deferBy !== "number") {
      throw new TypeError(
        `${action}: deferBy must be a number of milliseconds, got ${describe(deferBy)}`,
      );
    }
    if (!Number.isSafeInteger(deferBy) || deferBy < MIN_PERIOD_MS || deferBy > MAX_PERIOD_MS) {
      throw new RangeError(
        `${action}: deferBy is ${deferBy} ms, expected an integer number of milliseconds from ` +
          `${MIN_PERIOD_MS} (one second) to ${MAX_PERIOD_MS} (100 years)`,
      );
    }
    return { kind: "every", everyMs: deferBy };
  }
  if (cron !== undefined) {
    const zone = tz === undefined ? "UTC" : assertTimeZone(tz, action);
    return { kind: "cron", cron: assertCron(cron, zone, action), tz: zone };
  }
  if (tz !== undefined) throw new TypeError(`${action}: tz is given without cron`);
  if (catchUp !== undefined) {
    throw new TypeError(`${action}: catchUp is given without deferBy or cron`);
  }
  return null;
}

/**
 * Returns the canonical name of an IANA time zone (`"europe/berlin"` →
 * `"Europe/Berlin"`), or throws a `RangeError` naming it.
 */
export function assertTimeZone(tz: unknown, action: string): string {
  if (typeof tz !== "string" || tz === "") {
    throw new TypeError(`${action}: tz must be an IANA time zone name, got ${describe(tz)}`);
  }
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw new RangeError(
      `${action}: tz ${JSON.stringify(tz)} is not a known IANA time zone ` +
        `(such as "Europe/Berlin" or "UTC")`,
    );
  }
}

/**
 * Returns the trimmed cron pattern, or throws a `TypeError` naming it when
 * it cannot be parsed or never matches.
 */
export function assertCron(cron: unknown, tz: string, action: string): string {
  if (typeof cron !== "string" || cron.trim() === "") {
    throw new TypeError(`${action}: cron must be a cron pattern string, got ${describe(cron)}`);
  }
  const pattern = cron.trim().replace(/\s+/g, " ");
  let next: number | null;
  try {
    next = new Cron(pattern, { timezone: tz }).nextRun(new Date(0))?.getTime() ?? null;
  } catch (error) {
    throw new TypeError(
      `${action}: cron ${JSON.stringify(cron)} is not a valid pattern (${
        error instanceof Error ? error.message : String(error)
      })`,
    );
  }
  if (next === null) {
    throw new TypeError(`${action}: cron ${JSON.stringify(cron)} never matches`);
  }
  return pattern;
}

/**
 * A key that changes whenever the timing of a schedule changes (its period,
 * or its pattern and time zone); re-registering with another key restarts
 * the schedule's timing.
 */
export function ruleKey(spec: ScheduleSpec): string {
  return spec.kind === "every" ? `every:${spec.everyMs}` : `cron:${spec.tz}:${spec.cron}`;
}

/**
 * The keys `JSON.stringify` writes for `o`, in the order of an object built
 * by inserting them sorted: array-index keys (`"9"`, `"10"`) first in numeric
 * order, as objects always list them, then the others sorted.
 */
function sortedKeys(o: Record<string, unknown>): string[] {
  const keys = jsonKeys(o).sort();
  const isIndex = (k: string) => /^(?:0|[1-9]\d*)$/.test(k) && Number(k) < 4_294_967_295;
  const indexes = keys.filter(isIndex).sort((a, b) => Number(a) - Number(b));
  return indexes.length === 0 ? keys : [...indexes, ...keys.filter((k) => !isIndex(k))];
}

/**
 * JSON with object keys sorted at every level, so equal values give equal
 * text (the text `JSON.stringify` writes for the value with its keys
 * inserted in sorted order), at any nesting depth.
 */
export function canonicalJson(value: unknown): string {
  return writeJson(value, sortedKeys);
}

/**
 * The id of a schedule registered without a `jobId`: `<actor>~<hash>`, the
 * hash being the first 32 hex digits of SHA-256 over the queue, the actor
 * and the canonical JSON of the arguments (object keys sorted). The period,
 * cron pattern and other settings are not part of it, so registering the
 * same actor and arguments with another period updates that schedule.
 */
export async function derivedScheduleId(
  queue: string,
  actor: string,
  args: unknown[],
): Promise<string> {
  const text = `${queue}\n${actor}\n${canonicalJson(args)}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${actor}~${hex.slice(0, 32)}`;
}

/**
 * The deterministic job id of a schedule's occurrence due at `at`:
 * `<scheduleId>@<at>`. Within {@linkcode MAX_JOB_ID_LENGTH} bytes for any
 * schedule id that {@linkcode assertScheduleIdLength} accepts and any safe
 * integer `at`.
 */
export function occurrenceId(scheduleId: string, at: number): string {
  return `${scheduleId}@${at}`;
}

/**
 * Throws a `TypeError` unless `id` fits as a schedule id (≤ 200 bytes of
 * UTF-8, leaving room for the `@<epoch ms>` of its occurrences' ids).
 */
export function assertScheduleIdLength(id: string, action: string): string {
  const bytes = utf8Length(id);
  if (bytes > MAX_SCHEDULE_ID_LENGTH) {
    throw new TypeError(
      `${action}: the jobId of a recurring job "${id.slice(0, 40)}…" is ${bytes} bytes long in ` +
        `UTF-8 (${id.length} characters), expected at most ${MAX_SCHEDULE_ID_LENGTH} bytes ` +
        `(occurrence ids append "@<epoch ms>" within the ${MAX_JOB_ID_LENGTH} bytes of a job id)`,
    );
  }
  return id;
}

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
export function ruleOf(info: ScheduleInfo): ScheduleRule {
  return info.every !== null
    ? { kind: "every", everyMs: info.every, anchor: info.anchor ?? 0 }
    : { kind: "cron", cron: info.cron ?? "", tz: info.tz ?? "UTC" };
}

/**
 * Builds a {@linkcode ScheduleInfo} from a schedule's stored fields (a Redis
 * hash, or the same fields held in memory): `actor`, `args`, `status`,
 * `every`, `anchor`, `cron`, `tz`, `catchup` (`"1"`/`"0"`), `next`, `last`,
 * `created`.
 */
export function scheduleInfoFromFields(
  queue: string,
  id: string,
  h: Record<string, string>,
): ScheduleInfo {
  const num = (v: string | undefined) => (v === undefined || v === "" ? null : Number(v));
  let args: unknown[] = [];
  try {
    const parsed = JSON.parse(h.args ?? "[]");
    if (Array.isArray(parsed)) args = parsed;
  } catch {
    // a damaged record lists with no arguments rather than failing the listing
  }
  const status: ScheduleStatus = h.status === "paused" ? "paused" : "active";
  const every = num(h.every);
  return {
    id,
    queue,
    actor: h.actor ?? "",
    args,
    status,
    every,
    cron: every === null ? (h.cron || null) : null,
    tz: every === null ? (h.tz || null) : null,
    anchor: every === null ? null : num(h.anchor),
    catchUp: h.catchup === "1",
    nextRunAt: status === "active" ? num(h.next) : null,
    lastRunAt: num(h.last),
    createdAt: num(h.created) ?? 0,
  };
}
