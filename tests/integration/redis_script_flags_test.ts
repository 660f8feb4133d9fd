/**
 * Redis only: the scripts' flags line (`#!lua flags=allow-oom`, Redis 7)
 * is dropped for a server that cannot compile it (Redis 6.2): the store
 * then runs every script without it, and jobs still run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Redis, ReplyError } from "ioredis";
import { Repid, Worker } from "../../mod.ts";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import { scripts } from "../../src/backend/redis/scripts/mod.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";

test("RedisBackend: on a server without script flags, scripts run without their flags line", async () => {
  const prefix = testPrefix("script-flags");
  const client = new Redis(REDIS_URL);
  const backend = new RedisBackend(client, { prefix });
  // What Redis 6.2 answers for a script whose first line is a flags line.
  const refused: string[] = [];
  const commands = client as unknown as Record<string, unknown>;
  for (const s of scripts.filter((s) => s.lua.startsWith("#!"))) {
    commands[s.name] = () => {
      refused.push(s.name);
      return Promise.reject(
        new ReplyError(
          "ERR Error compiling script (new function): user_script:1: unexpected symbol near '#'",
        ),
      );
    };
  }
  const worker = new Worker(null, { backend, logger: "silent" });
  worker.actor(async function double(n: number) {
    return await Promise.resolve(n * 2);
  });
  const producer = new Repid(null, { backend });
  const running = worker.runForever({ handleSignals: false });
  try {
    const jobs = await Promise.all(
      [1, 2, 3].map((n) => producer.enqueueJob("double", { args: [n] })),
    );
    const results = await Promise.all(jobs.map((j) => j.result));
    assert.deepEqual(results.map((r) => r.value), [2, 4, 6]);
    // Once refused, scripts are no longer sent with their flags line.
    const before = refused.length;
    assert.ok(before > 0);
    const again = await producer.enqueueJob("double", { args: [4] });
    assert.equal((await again.result).value, 8);
    assert.equal(refused.length, before);
  } finally {
    await worker.stop();
    await running;
    await producer.close();
    await backend.close();
    await client.quit();
    await cleanup(prefix);
  }
});
