/**
 * Test support: a unique key prefix per test file on the shared Redis, and
 * cleanup of exactly those keys (SCAN, never KEYS or FLUSHALL).
 */
import { Redis } from "ioredis";
import process from "node:process";

/** The Redis the tests use. */
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A prefix no other test run uses. */
export function testPrefix(name: string): string {
  return `repid-test-${name}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Deletes every key under `prefix`. */
export async function cleanup(prefix: string, url = REDIS_URL): Promise<void> {
  const r = new Redis(url);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== "0");
  } finally {
    await r.quit();
  }
}
