/**
 * Fault suite support: what the checker knows of each job (its stored
 * result, the runs the actors recorded, the "finished" notifications) and
 * the verdict of one scenario.
 *
 * The invariants, per job whose enqueue returned:
 * - it finished with status `done` and the value its actor computes (else: lost);
 * - when notifications are counted: exactly one was published for it;
 * - the run that produced the result was recorded, and the job never ran
 *   more often than it was delivered;
 * - every other run happened on a worker process that was killed, or on one
 *   that logged the loss of this job's lease (its late write refused).
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import type { Redis } from "ioredis";
import type { Job, JobResult, Repid } from "../../../mod.ts";
import { parseFinished } from "../../../src/backend/redis/replies.ts";

/** A job the scenario enqueued, and the argument its value derives from. */
export interface Enqueued {
  /** The producer's handle. */
  job: Job<unknown>;
  /** The argument `n`; the expected value is `n * 2`. */
  n: number;
}

/** How long a scenario waits for all results (`REPID_FAULT_TIMEOUT_MS` overrides). */
export const RESULT_TIMEOUT_MS = Number(process.env.REPID_FAULT_TIMEOUT_MS ?? 300_000);

/** The recorded runs of each job: the pid of every run, in no order. */
export type Runs = Map<string, number[]>;

/** The hash where the async fixture actors record their runs. */
export function runsKey(prefix: string): string {
  return `${prefix}:fault:runs`;
}

/** Reads the runs recorded by the async fixture actors. */
export async function runsFromRedis(redis: Redis, prefix: string): Promise<Runs> {
  const runs: Runs = new Map();
  const all = await redis.hgetall(runsKey(prefix));
  for (const [field, pid] of Object.entries(all)) {
    add(runs, field.split(" ")[0], Number(pid));
  }
  return runs;
}

/** Reads the runs recorded by the thread fixture actor (`<id> <run> <pid>` lines). */
export function runsFromFile(path: string): Runs {
  const runs: Runs = new Map();
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return runs;
  }
  for (const line of text.split("\n")) {
    const [id, , pid] = line.split(" ");
    if (id && pid) add(runs, id, Number(pid));
  }
  return runs;
}

function add(runs: Runs, id: string, pid: number): void {
  const list = runs.get(id);
  if (list) list.push(pid);
  else runs.set(id, [pid]);
}

/** Enqueues `count` jobs of `actor` with args `[n, ...extra]`, 200 at a time. */
export async function enqueueMany(
  producer: Repid,
  actor: string,
  count: number,
  extra: unknown[],
  queue = "default",
  first = 0,
): Promise<Enqueued[]> {
  const out: Enqueued[] = [];
  for (let start = first; start < first + count; start += 200) {
    const ns: number[] = [];
    for (let n = start; n < Math.min(first + count, start + 200); n++) ns.push(n);
    const jobs = await Promise.all(
      ns.map((n) => producer.enqueueJob(actor, { args: [n, ...extra], queue })),
    );
    jobs.forEach((job, i) => out.push({ job, n: ns[i] }));
  }
  return out;
}

/**
 * Waits for every job's result (the user's view: `job.waitResult()`) until
 * `signal` aborts; a job without a result by then maps to `undefined`.
 */
export async function awaitResults(
  jobs: Enqueued[],
  signal: AbortSignal,
): Promise<Map<string, JobResult | undefined>> {
  const settled = await Promise.allSettled(jobs.map((e) => e.job.waitResult({ signal })));
  const out = new Map<string, JobResult | undefined>();
  settled.forEach((s, i) =>
    out.set(jobs[i].job.id, s.status === "fulfilled" ? s.value : undefined)
  );
  return out;
}

/** Counts the ids published on a queue's "finished" channel (one per finished job). */
export class FinishedCounter {
  readonly counts = new Map<string, number>();
  readonly #sub: Redis;
  readonly #pub: Redis;
  readonly #channel: string;
  #sentinels = new Map<string, () => void>();

  private constructor(sub: Redis, pub: Redis, channel: string) {
    this.#sub = sub;
    this.#pub = pub;
    this.#channel = channel;
  }

  /** Subscribes (with a duplicate of `redis`) before the scenario starts. */
  static async start(redis: Redis, channel: string): Promise<FinishedCounter> {
    const sub = redis.duplicate();
    sub.on("error", () => {});
    const counter = new FinishedCounter(sub, redis, channel);
    sub.on("message", (_channel: string, message: string) => {
      // One message announces one job, or the jobs acked by one call (the backend's format).
      for (const { id } of parseFinished("", message)) {
        const done = counter.#sentinels.get(id);
        if (done) done();
        else counter.counts.set(id, (counter.counts.get(id) ?? 0) + 1);
      }
    });
    await sub.subscribe(channel);
    return counter;
  }

  /**
   * Resolves once every notification published so far has arrived: a
   * sentinel published now arrives after them (one connection, in order).
   */
  settle(): Promise<void> {
    const sentinel = `sentinel-${crypto.randomUUID()}`;
    const arrived = new Promise<void>((resolve) => this.#sentinels.set(sentinel, resolve));
    return this.#pub.publish(this.#channel, sentinel).then(() => arrived);
  }

  /** Ends the subscription. */
  close(): void {
    this.#sub.disconnect();
  }
}

/** What a scenario's checker concluded. */
export interface Verdict {
  /** Ids of jobs that did not finish with their value. */
  lost: string[];
  /** Broken invariants, one message each. */
  problems: string[];
  /** Runs beyond the first, summed over all jobs. */
  duplicateRuns: number;
  /** Jobs that ran more than once. */
  rerunJobs: number;
  /** Extra runs on workers that were killed. */
  onKilled: number;
  /** Extra runs on live workers that logged the lease as lost. */
  onLostLease: number;
  /** Jobs delivered more than once. */
  redelivered: number;
  /** Per killed pid: the ids of the jobs it had in flight (an extra run there). */
  inFlightByPid: Map<number, string[]>;
}

/** Checks the invariants above for every enqueued job. */
export function verify(input: {
  jobs: Enqueued[];
  results: Map<string, JobResult | undefined>;
  runs: Runs;
  killed: Set<number>;
  lostLeases: Map<number, Set<string>>;
  notifications?: Map<string, number>;
}): Verdict {
  const v: Verdict = {
    lost: [],
    problems: [],
    duplicateRuns: 0,
    rerunJobs: 0,
    onKilled: 0,
    onLostLease: 0,
    redelivered: 0,
    inFlightByPid: new Map(),
  };
  for (const { job, n } of input.jobs) {
    const id = job.id;
    const r = input.results.get(id);
    if (!r || r.status !== "done") {
      v.lost.push(id);
      if (r) v.problems.push(`job ${id} ended ${r.status}: ${JSON.stringify(r.error)}`);
      continue;
    }
    const value = r.value as { value?: unknown; pid?: unknown } | null;
    if (value?.value !== n * 2 || typeof value.pid !== "number") {
      v.problems.push(`job ${id} stored ${JSON.stringify(r.value)}, expected value ${n * 2}`);
      continue;
    }
    if (r.deliveries > 1) v.redelivered++;
    if (input.notifications) {
      const count = input.notifications.get(id) ?? 0;
      if (count !== 1) v.problems.push(`job ${id} was published finished ${count} times`);
    }
    const pids = [...(input.runs.get(id) ?? [])];
    const at = pids.indexOf(value.pid);
    if (at < 0) {
      v.problems.push(
        `job ${id}: the run of pid ${value.pid} that stored the result is unrecorded`,
      );
      continue;
    }
    if (pids.length > r.deliveries) {
      v.problems.push(`job ${id} ran ${pids.length} times but was delivered ${r.deliveries}`);
    }
    pids.splice(at, 1);
    if (pids.length > 0) v.rerunJobs++;
    for (const pid of pids) {
      v.duplicateRuns++;
      if (input.killed.has(pid)) {
        v.onKilled++;
        const list = v.inFlightByPid.get(pid);
        if (list) list.push(id);
        else v.inFlightByPid.set(pid, [id]);
      } else if (input.lostLeases.get(pid)?.has(id)) {
        v.onLostLease++;
      } else {
        v.problems.push(
          `job ${id} ran again on live worker ${pid}, which never reported its lease lost`,
        );
      }
    }
  }
  return v;
}

/** How long recovery took: the worst case and the median, in ms. */
export interface Recovery {
  /** The longest. */
  max: number;
  /** The median. */
  median: number;
}

/** The worst and median of some durations, or `null` when there are none. */
export function spread(durations: number[]): Recovery | null {
  if (durations.length === 0) return null;
  const sorted = [...durations].sort((a, b) => a - b);
  return { max: sorted[sorted.length - 1], median: sorted[Math.floor(sorted.length / 2)] };
}

/**
 * Per killed worker that had jobs in flight: the time from its kill until
 * every one of those jobs had finished elsewhere.
 */
export function recoveryAfterKills(
  kills: { pid: number; at: number }[],
  verdict: Verdict,
  results: Map<string, JobResult | undefined>,
): Recovery | null {
  const durations: number[] = [];
  for (const { pid, at } of kills) {
    const ids = verdict.inFlightByPid.get(pid) ?? [];
    const finished = ids.map((id) => results.get(id)?.finishedAt ?? at);
    if (finished.length > 0) durations.push(Math.max(0, Math.max(...finished) - at));
  }
  return spread(durations);
}

/** The one summary line a scenario prints. */
export function summaryLine(
  name: string,
  f: {
    jobs: number;
    lost: number;
    duplicateRuns: number;
    deadLettered: number;
    recover: Recovery | null;
    detail?: string;
  },
): string {
  const r = f.recover;
  const recover = r === null ? "n/a" : `${Math.round(r.max)} ms` +
    (r.median !== r.max ? ` (median ${Math.round(r.median)} ms)` : "");
  return `[faults] ${name}: jobs ${f.jobs}, lost ${f.lost}, duplicate runs ${f.duplicateRuns}, ` +
    `dead-lettered ${f.deadLettered}, time to recover ${recover}` +
    (f.detail ? ` (${f.detail})` : "");
}

/** A short list of problems for an assertion message. */
export function describeProblems(v: Verdict): string {
  const kinds = new Map<string, number>();
  for (const p of v.problems) {
    const kind = p.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "<id>").replace(/\d+/g, "N");
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const head = [...kinds].map(([kind, n]) => `${n} × ${kind}`).join("\n") + "\n" +
    v.problems.slice(0, 10).join("\n");
  const more = v.problems.length > 10 ? `\n… and ${v.problems.length - 10} more` : "";
  const lost = v.lost.length ? `\nlost: ${v.lost.slice(0, 15).join(", ")}` : "";
  return head + more + lost;
}

/** The stored state of some jobs (for the failure message when jobs are lost). */
export async function describeJobs(
  redis: Redis,
  queueBase: string,
  ids: string[],
): Promise<string> {
  const lines: string[] = [];
  for (const id of ids.slice(0, 10)) {
    const h = await redis.hgetall(`${queueBase}:job:${id}`);
    delete h.args;
    const lease = await redis.zscore(`${queueBase}:active`, id);
    const queued = await redis.lpos(`${queueBase}:ready`, id);
    lines.push(`${id}: ${JSON.stringify(h)} lease=${lease} readyAt=${queued}`);
  }
  return lines.join("\n");
}
