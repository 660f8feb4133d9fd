/**
 * The Redis implementation of {@linkcode Backend}: one Lua script per job
 * transition, defined once per client and called by SHA (ioredis falls back
 * to EVAL after a Redis restart emptied the script cache).
 *
 * @module
 */

import type { Redis } from "ioredis";
import type { Backend, FetchResult, RequeueRequest } from "../backend.ts";
import type {
  Completion,
  EnqueueOutcome,
  JobError,
  JobInfo,
  JobOptions,
  JobResult,
  JobStatus,
  LeasedJob,
  NewJob,
} from "../../core/job.ts";
import { isFinished } from "../../core/job.ts";
import { closeClient, openClient, type RedisInput } from "./connection.ts";
import { type QueueKeys, queueKeys } from "./keys.ts";
import { scripts } from "./scripts/mod.ts";

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

/** Options of {@linkcode RedisBackend}. */
export interface RedisBackendOptions {
  /**
   * The first part of every key.
   * @default {"repid"}
   */
  prefix?: string;
}

/** The Redis store. */
export class RedisBackend implements Backend {
  /** The client that runs the scripts. */
  readonly client: Redis;
  readonly #owned: boolean;
  readonly #prefix: string;
  readonly #keys = new Map<string, QueueKeys>();
  readonly #blocking = new Map<string, Redis>();
  #subscriber: Redis | undefined;
  #subscribing: Promise<Redis> | undefined;
  readonly #listeners = new Map<string, Set<(id: string) => void>>();
  readonly #reconnectListeners = new Set<() => void>();
  #closed = false;

  /**
   * @param redis An ioredis client (used as is, never closed by us) or a URL.
   * @param options The key prefix.
   */
  constructor(redis: RedisInput, options: RedisBackendOptions = {}) {
    const { client, owned } = openClient(redis, "Cannot connect to Redis");
    this.client = client;
    this.#owned = owned;
    this.#prefix = options.prefix ?? "repid";
    for (const s of scripts) {
      if (!(s.name in client)) client.defineCommand(s.name, { numberOfKeys: s.keys, lua: s.lua });
    }
  }

  #run(name: string, ...args: (string | number)[]): Promise<unknown> {
    return (this.client as unknown as Record<string, ScriptFn>)[name](...args);
  }

  /** The keys of `queue`. */
  keys(queue: string): QueueKeys {
    let k = this.#keys.get(queue);
    if (!k) {
      k = queueKeys(this.#prefix, queue);
      this.#keys.set(queue, k);
    }
    return k;
  }

  enqueue(jobs: NewJob[]): Promise<EnqueueOutcome[]> {
    return Promise.all(jobs.map(async (job) => {
      const k = this.keys(job.queue);
      const [created, status] = await this.#run(
        "repidEnqueue",
        k.jobPrefix + job.id,
        k.ready,
        k.deferred,
        k.signal,
        job.id,
        job.actor,
        job.argsJson,
        job.dueAt,
        job.options ? JSON.stringify(job.options) : "",
      ) as [number, JobStatus];
      return { created: created === 1, status };
    }));
  }

  async fetch(queue: string, max: number, leaseMs: number, token: string): Promise<FetchResult> {
    const k = this.keys(queue);
    const out = await this.#run(
      "repidFetch",
      k.ready,
      k.deferred,
      k.active,
      k.signal,
      k.dead,
      k.jobPrefix,
      max,
      leaseMs,
      token,
      DEAD_TTL_MS,
    ) as (string | number)[];
    const now = Number(out[1]);
    const jobs: LeasedJob[] = [];
    for (let i = 2; i < out.length; i += 8) {
      jobs.push({
        id: String(out[i]),
        queue,
        actor: String(out[i + 1]),
        argsJson: String(out[i + 2]),
        token,
        deliveries: Number(out[i + 3]),
        attempts: Number(out[i + 4]),
        errors: out[i + 5] ? parseJson<JobError[]>(String(out[i + 5]), []) : [],
        enqueuedAt: Number(out[i + 6]),
        startedAt: now,
        options: out[i + 7] ? parseJson<JobOptions>(String(out[i + 7]), {}) : {},
      });
    }
    return { jobs, wakeInMs: Number(out[0]) };
  }

  async waitForWork(queue: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    let client = this.#blocking.get(queue);
    if (!client) {
      client = this.client.duplicate();
      client.on("error", () => {}); // reconnects by itself; the fetch loop reports outages
      this.#blocking.set(queue, client);
    }
    const blocking = client;
    const onAbort = () => {
      this.#blocking.delete(queue);
      blocking.disconnect();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await blocking.blpop(this.keys(queue).signal, Math.max(0.01, timeoutMs / 1000));
    } catch (error) {
      if (!signal.aborted) throw error;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  async extendLeases(
    queue: string,
    leases: { id: string; token: string }[],
    leaseMs: number,
  ): Promise<string[]> {
    if (leases.length === 0) return [];
    const k = this.keys(queue);
    const args: (string | number)[] = [k.active, k.jobPrefix, leaseMs];
    for (const l of leases) args.push(l.id, l.token);
    return (await this.#run("repidExtend", ...args)) as string[];
  }

  async recordAttempt(
    queue: string,
    id: string,
    token: string,
    attempts: number,
    errors: JobError[],
  ): Promise<boolean> {
    const k = this.keys(queue);
    const ok = await this.#run(
      "repidRecordAttempt",
      k.jobPrefix + id,
      token,
      attempts,
      JSON.stringify(errors),
    );
    return ok === 1;
  }

  async complete(queue: string, completions: Completion[]): Promise<boolean[]> {
    if (completions.length === 0) return [];
    const k = this.keys(queue);
    const args: (string | number)[] = [k.active, k.jobPrefix, k.finished];
    for (const c of completions) {
      args.push(
        c.id,
        c.token,
        c.status,
        c.valueJson,
        c.error ? JSON.stringify(c.error) : "",
        c.errors.length ? JSON.stringify(c.errors) : "[]",
        c.attempts,
        Math.max(1, c.ttlMs),
      );
    }
    const res = (await this.#run("repidComplete", ...args)) as number[];
    return res.map((r) => r === 1);
  }

  async release(queue: string, leases: { id: string; token: string }[]): Promise<boolean[]> {
    if (leases.length === 0) return [];
    const k = this.keys(queue);
    const args: (string | number)[] = [k.active, k.ready, k.signal, k.jobPrefix];
    for (const l of leases) args.push(l.id, l.token);
    const res = (await this.#run("repidRelease", ...args)) as number[];
    return res.map((r) => r === 1);
  }

  async requeue(queue: string, r: RequeueRequest): Promise<"requeued" | "dead" | "lost"> {
    const k = this.keys(queue);
    return (await this.#run(
      "repidRequeue",
      k.active,
      k.deferred,
      k.signal,
      k.dead,
      k.jobPrefix + r.id,
      r.id,
      r.token,
      r.delayMs,
      r.maxDeliveries,
      r.reason,
      JSON.stringify({
        name: "DeadLetterError",
        message: `Dead-lettered (${r.reason}) after ${r.maxDeliveries} deliveries`,
      }),
      k.finished,
      Math.max(1, r.ttlMs),
    )) as "requeued" | "dead" | "lost";
  }

  async deadLetter(
    queue: string,
    id: string,
    token: string,
    reason: string,
    error: JobError,
    ttlMs: number,
  ): Promise<boolean> {
    const k = this.keys(queue);
    const ok = await this.#run(
      "repidDeadLetter",
      k.active,
      k.dead,
      k.jobPrefix + id,
      id,
      token,
      reason,
      JSON.stringify(error),
      k.finished,
      Math.max(1, ttlMs),
    );
    return ok === 1;
  }

  async getJob(queue: string, id: string): Promise<JobInfo | null> {
    const h = await this.client.hgetall(this.keys(queue).jobPrefix + id);
    if (!h.status) return null;
    return jobInfoFromHash(queue, id, h);
  }

  async onFinished(
    queue: string,
    listener: (id: string) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    const subscriber = await this.#ensureSubscriber();
    const channel = this.keys(queue).finished;
    let set = this.#listeners.get(channel);
    if (!set) {
      set = new Set();
      this.#listeners.set(channel, set);
    }
    set.add(listener);
    if (onReconnect) this.#reconnectListeners.add(onReconnect);
    if (set.size === 1) await subscriber.subscribe(channel);
    return async () => {
      if (onReconnect) this.#reconnectListeners.delete(onReconnect);
      const s = this.#listeners.get(channel);
      if (!s?.delete(listener) || s.size > 0) return;
      this.#listeners.delete(channel);
      if (this.#subscriber?.status === "ready") await this.#subscriber.unsubscribe(channel);
    };
  }

  #ensureSubscriber(): Promise<Redis> {
    if (this.#subscribing) return this.#subscribing;
    this.#subscribing = (async () => {
      const sub = this.client.duplicate();
      sub.on("error", () => {});
      let first = true;
      sub.on("ready", () => {
        if (first) {
          first = false;
          return;
        }
        for (const f of this.#reconnectListeners) f();
      });
      sub.on("message", (channel: string, id: string) => {
        const set = this.#listeners.get(channel);
        if (set) { for (const f of set) f(id); }
      });
      this.#subscriber = sub;
      if (sub.status !== "ready") {
        await new Promise<void>((resolve, reject) => {
          const ok = () => {
            sub.off("end", fail);
            resolve();
          };
          const fail = () => {
            sub.off("ready", ok);
            reject(new Error("subscriber connection closed"));
          };
          sub.once("ready", ok);
          sub.once("end", fail);
        });
      }
      return sub;
    })();
    return this.#subscribing;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closing: Promise<void>[] = [];
    for (const c of this.#blocking.values()) c.disconnect();
    this.#blocking.clear();
    if (this.#subscriber) closing.push(closeClient(this.#subscriber));
    if (this.#owned) closing.push(closeClient(this.client));
    await Promise.all(closing);
  }
}

/** How long the record of a dead-lettered job is kept: seven days. */
export const DEAD_TTL_MS = 7 * 86_400_000;

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Builds a {@linkcode JobInfo} from a job hash. */
export function jobInfoFromHash(queue: string, id: string, h: Record<string, string>): JobInfo {
  const status = h.status as JobStatus;
  const info: JobInfo = {
    id,
    queue,
    actor: h.actor ?? "",
    status,
    deliveries: Number(h.deliveries ?? 0),
    attempts: Number(h.attempts ?? 0),
    enqueuedAt: Number(h.enq ?? 0),
    dueAt: status === "deferred" && h.due ? Number(h.due) : null,
    result: null,
  };
  if (isFinished(status)) {
    const result: JobResult = {
      id,
      queue,
      actor: info.actor,
      status,
      success: status === "done",
      value: status === "done" && h.value !== undefined ? parseJson(h.value, null) : null,
      error: h.error ? parseJson<JobError | null>(h.error, null) : null,
      errors: h.errors ? parseJson<JobError[]>(h.errors, []) : [],
      attempts: info.attempts,
      deliveries: info.deliveries,
      enqueuedAt: info.enqueuedAt,
      startedAt: h.started ? Number(h.started) : null,
      finishedAt: Number(h.finished ?? 0),
    };
    if (h.reason) result.reason = h.reason;
    info.result = result;
  }
  return info;
}
