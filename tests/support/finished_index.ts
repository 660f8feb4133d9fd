/**
 * Reading a queue's finished-jobs index straight from Redis, for tests that
 * look under the API (see the `finish_job` Lua fragment): each entry holds
 * the ids of several jobs, written `<bytes>:<id>` one after the other.
 */
import type { Redis } from "ioredis";

/** The ids one index entry holds, oldest first. */
export function entryIds(entry: string): string[] {
  const ids: string[] = [];
  const bytes = new TextEncoder().encode(entry);
  const text = new TextDecoder();
  let i = 0;
  while (i < bytes.length) {
    let c = i;
    while (c < bytes.length && bytes[c] !== 0x3a) c++;
    const len = Number(text.decode(bytes.subarray(i, c)));
    ids.push(text.decode(bytes.subarray(c + 1, c + 1 + len)));
    i = c + 1 + len;
  }
  return ids;
}

/** Every id in the index `key` (`<prefix>:{<queue>}:<status>`), oldest entry first. */
export async function indexIds(redis: Redis, key: string): Promise<string[]> {
  return (await redis.zrange(key, 0, -1)).flatMap(entryIds);
}
