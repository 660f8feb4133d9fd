/**
 * The Redis data layout: every key of a queue shares the queue's hash tag
 * (so Redis Cluster can hold a queue in one slot), and the KEYS command is
 * never used, neither by the clients nor inside the scripts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { Repid, Worker } from "../../mod.ts";
import { scripts } from "../../src/backend/redis/scripts/mod.ts";
import { CommandRecorder } from "../support/command_recorder.ts";
import { testPrefix } from "../support/redis.ts";
import { RedisServer } from "../support/redis_server.ts";
import { sourceFiles, SRC } from "../support/source_files.ts";

test("RedisBackend: every key of a queue shares the queue's hash tag, and KEYS is never sent", async () => {
  const server = await RedisServer.start({ port: 6395 });
  const recorder = await CommandRecorder.start(server.port);
  const prefix = testPrefix("layout");
  const producer = new Repid(server.url, { prefix });
  const worker = new Worker(server.url, { prefix, unknownActorLimit: 1, logger: "silent" });
  worker.actor(function layout_ok(n: number): number {
    return n + 1;
  });
  worker.actor(function layout_fail(): never {
    throw new Error("always fails");
  }, { queue: "myqueue", retries: 1 });
  const scan = new Redis(server.url);
  try {
    void worker.runForever({ handleSignals: false });
    const finished = [
      await producer.enqueueJob("layout_ok", { args: [1] }),
      await producer.enqueueJob("layout_ok", { args: [2], jobId: "custom-id" }),
      await producer.enqueueJob("layout_fail", { queue: "myqueue" }),
      await producer.enqueueJob("layout_missing"), // dead-lettered: unknown actor
    ];
    const deferred = await producer.enqueueJob("layout_ok", {
      args: [3],
      deferUntil: Date.now() + 3_600_000,
    });
    const results = await Promise.all(finished.map((j) => j.waitResult({ timeoutMs: 30_000 })));
    assert.deepEqual(results.map((r) => r.status), ["done", "done", "failed", "dead"]);
    assert.equal(await deferred.status(), "deferred");

    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await scan.scan(cursor, "COUNT", 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0");
    // Each queue in its slot; the workers' and the queues' registries in their own.
    const tagged = /^([^{}]+):\{(default|myqueue|:workers|:queues)\}:[^{}]*$/;
    const stray = keys.filter((k) => !tagged.test(k) || !k.startsWith(`${prefix}:`));
    assert.deepEqual(
      stray,
      [],
      "keys outside <prefix>:{<queue>}:, <prefix>:{:workers}: and <prefix>:{:queues}:",
    );
    for (
      const part of [
        `${prefix}:{default}:job:custom-id`,
        `${prefix}:{myqueue}:job:${finished[2].id}`,
        `${prefix}:{default}:deferred`,
        `${prefix}:{default}:dead`,
        `${prefix}:{default}:done`,
        `${prefix}:{myqueue}:failed`,
        `${prefix}:{:queues}:names`,
      ]
    ) {
      assert.ok(keys.includes(part), `${part} among ${JSON.stringify(keys)}`);
    }

    await recorder.flush();
    const sentKeys = [...recorder.commands, ...recorder.scriptCommands].filter((c) =>
      c.name === "keys"
    );
    assert.deepEqual(sentKeys, [], "the KEYS command was used");
  } finally {
    await worker.stop({ graceMs: 0 });
    await producer.close();
    scan.disconnect();
    await recorder.stop();
    await server.stop();
  }
});

// The sources exist next to the tests only in the repository (the Node run
// tests the built package, where only the scripts' Lua is checked).
test("Redis scripts and sources under src/ never use the KEYS command", () => {
  const asCommand = /\bredis\.p?call\(\s*['"]keys['"]/i;
  for (const s of scripts) {
    assert.doesNotMatch(s.lua, asCommand, `script ${s.name} calls KEYS`);
  }
  if (!existsSync(SRC)) return;
  const files = sourceFiles(SRC);
  assert.ok(files.some((f) => f.includes(join("redis", "scripts"))), "found the script modules");
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    assert.doesNotMatch(text, asCommand, `${file} runs KEYS from Lua`);
    // A KEYS command spelled as a string: call("keys", …), sendCommand, new Command("KEYS").
    assert.doesNotMatch(text, /(['"`])keys\1/i, `${file} names the KEYS command`);
    // ioredis' client.keys(pattern); `Object.keys(x)` and `this.keys(queue)` are not Redis.
    for (const m of text.matchAll(/([\w$]+)\s*\.\s*keys\(\s*[^)\s]/g)) {
      assert.ok(["Object", "this"].includes(m[1]), `${file} calls ${m[0]}…`);
    }
  }
});
