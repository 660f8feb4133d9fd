/**
 * Only the Redis store knows ioredis: its error classes and Redis's error
 * replies are turned into Repid's store errors at that boundary, so the
 * worker, the producer and the schedules follow one rule on every store.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { test } from "node:test";
import { sourceFiles, SRC } from "../support/source_files.ts";

test("no code outside src/backend/redis/ looks at ioredis errors", () => {
  const leaks = sourceFiles()
    .filter((path) => /ReplyError|from "ioredis"/.test(readFileSync(path, "utf8")))
    .map((path) => relative(SRC, path).replaceAll("\\", "/"))
    .filter((path) => !path.startsWith("backend/redis/"));
  assert.deepEqual(leaks, []);
});
