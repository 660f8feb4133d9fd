/**
 * The workers' registry on Redis. Per prefix, in one slot (hash tag
 * `{:workers}`, which no queue can have: names do not start with `:`):
 *
 * - `<prefix>:{:workers}:ids`: ZSET of worker ids, scored by last heartbeat;
 * - `<prefix>:{:workers}:worker:<id>`: HASH `info` (JSON), `startedAt`,
 *   `lastSeenAt`, expiring `WORKER_TTL_MS` after the last heartbeat.
 *
 * A killed worker's hash expires; listing drops the ids whose hash is gone.
 *
 * @module
 */

import type { AnyRedis } from "./connection.ts";
import type { WorkerAnnouncement, WorkerInfo } from "../../core/worker_info.ts";

/**
 * The registry's keys under `prefix`.
 *
 * @example
 * ```ts ignore
 * workerKeys("repid").ids; // "repid:{:workers}:ids"
 * ```
 */
export function workerKeys(prefix: string): { ids: string; workerPrefix: string } {
  const base = `${prefix}:{:workers}`;
  return { ids: `${base}:ids`, workerPrefix: `${base}:worker:` };
}

/** Registers or renews `worker` for `ttlMs`. */
export async function redisHeartbeat(
  client: AnyRedis,
  prefix: string,
  worker: WorkerAnnouncement,
  ttlMs: number,
): Promise<void> {
  const k = workerKeys(prefix);
  await (client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)
    .repidWorkerHeartbeat(
      k.ids,
      k.workerPrefix + worker.id,
      worker.id,
      JSON.stringify(worker),
      ttlMs,
    );
}

/** Removes a worker's registration. */
export async function redisUnregister(client: AnyRedis, prefix: string, id: string): Promise<void> {
  const k = workerKeys(prefix);
  await client.multi().del(k.workerPrefix + id).zrem(k.ids, id).exec();
}

/** The registered workers whose registration has not expired. */
export async function redisListWorkers(client: AnyRedis, prefix: string): Promise<WorkerInfo[]> {
  const k = workerKeys(prefix);
  const ids = await client.zrange(k.ids, 0, -1);
  if (ids.length === 0) return [];
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.hmget(k.workerPrefix + id, "info", "startedAt", "lastSeenAt");
  const replies = (await pipeline.exec()) ?? [];
  const out: WorkerInfo[] = [];
  const gone: string[] = [];
  replies.forEach(([error, fields], i) => {
    const [info, startedAt, lastSeenAt] = (error ? [] : fields) as (string | null)[];
    if (!info) {
      gone.push(ids[i]);
      return;
    }
    try {
      out.push({
        ...(JSON.parse(info) as WorkerAnnouncement),
        startedAt: Number(startedAt),
        lastSeenAt: Number(lastSeenAt),
      });
    } catch {
      gone.push(ids[i]); // not written by Repid
    }
  });
  if (gone.length > 0) await client.zrem(k.ids, ...gone);
  return out;
}
