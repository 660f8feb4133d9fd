/**
 * The store's rules are written once: each shared limit, reason, error name
 * and message lives in one file of `src/core/`, the Lua scripts get them
 * substituted and include their repeated blocks as fragments, and use only
 * the job fields and statuses of `src/core/job_record.ts`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { scripts } from "../../src/backend/redis/scripts/mod.ts";
import { resolveIncludes } from "../../src/backend/redis/scripts/include.ts";
import { luaMessage, luaString } from "../../src/backend/redis/scripts/lua_text.ts";
import { JOB_FIELDS, JOB_STATUSES } from "../../src/core/job_record.ts";
import { FLOW_STORE_NAMES } from "../../src/core/flow.ts";
import {
  FINISHED_COUNT_KEY_PART,
  JOB_KEY_PART,
  THROUGHPUT_KEY_PART,
} from "../../src/backend/redis/keys.ts";
import { ERROR_NAME, formatMessage, MESSAGE, REASON } from "../../src/core/store_errors.ts";

const SRC = new URL("../../src/", import.meta.url).pathname;

function sources(dir = SRC): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith(".ts")) {
      out.push({ path: path.slice(SRC.length), text: readFileSync(path, "utf8") });
    }
  }
  return out;
}

/** The files of src/ that contain `needle`. */
function filesWith(needle: string): string[] {
  return sources().filter((f) => f.text.includes(needle)).map((f) => f.path);
}

describe("the store's rules", () => {
  it("each shared limit, reason, error name and message is written in one file of src/", () => {
    const once: [string, string][] = [
      ["Math.max(1, ", "core/store_limits.ts"], // the TTL clamp
    ];
    for (
      const name of [
        "DEAD_TTL_MS",
        "INLINE_RESULT_MAX",
        "FINISHED_MESSAGE_MAX",
        "RECLAIM_BATCH",
        "QUEUE_ENTRY_MAX",
        "MALFORMED_RAW_MAX",
        "STATUS_QUOTED_MAX",
        "SCHEDULE_RUNS_KEPT",
      ]
    ) once.push([`const ${name} = `, "core/store_limits.ts"]);
    // the stores use the limits by name, never by value
    const stores = sources().filter((f) => f.path.startsWith("backend/"));
    for (const value of [/\b8_?192\b/, /\b65_?536\b/, /86_400_000/, /'LIMIT', 0, \d/]) {
      const hits = stores.filter((f) => value.test(f.text)).map((f) => f.path);
      assert.deepEqual(hits, [], `${value} written in a store`);
    }
    for (const reason of Object.values(REASON)) {
      once.push([`"${reason}"`, "core/store_errors.ts"]);
      assert.deepEqual(filesWith(`'${reason}'`), [], `no Lua literal '${reason}'`);
    }
    for (const name of Object.values(ERROR_NAME)) once.push([name, "core/store_errors.ts"]);
    for (const template of Object.values(MESSAGE)) {
      // the longest run of the template without a placeholder
      const fixed = template.split(/\{\w+\}/).sort((a, b) => b.length - a.length)[0];
      once.push([fixed, "core/store_errors.ts"]);
    }
    for (const [needle, file] of once) {
      assert.deepEqual(filesWith(needle), [file], `${JSON.stringify(needle)} only in ${file}`);
    }
  });

  it("the lease check, the dead-letter steps, the new job record, the finished-jobs index and the announcement are one Lua fragment each", () => {
    // every script that finishes a job indexes it through `finish_job`
    assert.deepEqual(filesWith("ZADD', states .. status"), [
      "backend/redis/scripts/includes/finish_job.ts",
    ]);
    assert.deepEqual(filesWith("'PEXPIRE', key"), [
      "backend/redis/scripts/includes/finish_job.ts",
    ]);
    for (const s of scripts) {
      if (/'finished', now/.test(s.lua)) {
        assert.match(s.lua, /local function finish_job/, `${s.name} finishes jobs by finish_job`);
      }
      // a script that indexes finished jobs trims the indexes before it ends
      const body = s.lua.slice(s.lua.lastIndexOf("local function trim_finished"));
      if (/\bfinish_job\(|\bdead_letter\(/.test(body.slice(body.indexOf("\nend\n")))) {
        assert.match(body, /\n\s*trim_finished\(/, `${s.name} calls trim_finished`);
      }
    }
    assert.deepEqual(filesWith("'token', 'status'"), ["backend/redis/scripts/includes/lease.ts"]);
    assert.deepEqual(filesWith("'status', 'dead'"), [
      "backend/redis/scripts/includes/dead_letter.ts",
    ]);
    assert.deepEqual(filesWith("'status', status, 'enq', now, 'due', due"), [
      "backend/redis/scripts/includes/new_job.ts",
    ]);
    assert.deepEqual(filesWith("redis.call('PUBLISH', channel, id)"), [
      "backend/redis/scripts/includes/announce.ts",
    ]);
    for (const s of scripts) assert.doesNotMatch(s.lua, /@include/, `${s.name} is resolved`);
  });

  it("the job scripts name only the fields and statuses of the job record", () => {
    const allowed = new Set<string>([
      ...JOB_FIELDS,
      ...JOB_STATUSES,
      // substituted from src/core/store_errors.ts
      ...Object.values(REASON),
      ...Object.values(ERROR_NAME),
      // Redis commands and arguments, and the scripts' own return words
      ...["TIME", "LLEN", "RPUSH", "LPUSH", "LPOP", "HGET", "HSET", "HMGET", "HDEL", "HEXISTS"],
      ...["HINCRBY", "DEL", "EXISTS", "ZADD", "ZREM", "ZRANGE", "ZRANGEBYSCORE", "PEXPIRE"],
      ...["ZREMRANGEBYSCORE", "PUBLISH", "LIMIT", "WITHSCORES", "-inf", "0", "1", "number"],
      ...["ZCARD", "ZCOUNT", "(", "+inf", "ZREVRANK", "ZSCORE", "ZREVRANGE", "ZPOPMIN"],
      ...["HGETALL", "PERSIST", "LRANGE", "LREM", "LPOS", "RANK", "zset"],
      ...["requeued", "lost", "malformed:", "SET"],
      // enqueue_many's reply letters (src/backend/redis/enqueue_calls.ts reads them)
      ...["q", "d", "Q", "D", "R"],
      // flow control (src/core/flow.ts) and the keys it builds from the queue's base
      ...FLOW_STORE_NAMES,
      ...["ZPOPMIN", "ZSCORE", "ZCARD", "LREM", "HKEYS", "table", "string", "%d"],
      ...["job:", "ready", "active", "signal", ":"],
      // the lease hint (a string key of its own)
      ...["GET", "PX", "KEEPTTL"],
      // the finished-jobs indexes' key parts (src/backend/redis/keys.ts)
      JOB_KEY_PART,
      // the per-minute throughput counts' key part, and the indexes' counts
      THROUGHPUT_KEY_PART,
      FINISHED_COUNT_KEY_PART,
      "index",
    ]);
    for (const s of scripts) {
      // schedule and worker records have fields of their own
      if (s.name.startsWith("repidSchedule") || s.name.startsWith("repidWorker")) continue;
      const lua = s.lua.replace(/--[^\n]*/g, "");
      for (const m of lua.matchAll(/'((?:[^'\\]|\\.)*)'/g)) {
        const word = m[1];
        if (/[ "\\]/.test(word) || word === "") continue; // message text
        assert.ok(allowed.has(word), `${s.name} uses '${word}', not a job field or status`);
      }
    }
  });

  it("`resolveIncludes()` places each fragment once and refuses an unknown one", () => {
    const lua = resolveIncludes(
      "--- @include dead_letter\n--- @include lease\n--- @include announce\nreturn 1",
    );
    assert.equal(lua.match(/local function announce_finished/g)?.length, 1);
    assert.ok(
      lua.indexOf("function announce_finished") < lua.indexOf("function dead_letter"),
      "an included fragment comes before the fragment that includes it",
    );
    assert.ok(lua.endsWith("return 1"));
    assert.throws(
      () => resolveIncludes("--- @include nope\n"),
      (e: Error) => e instanceof RangeError && e.message.includes('"nope"'),
    );
  });

  it("`luaMessage()` builds the Lua expression of a message template", () => {
    assert.equal(
      luaMessage(MESSAGE.unknownStatus, { id: "id", status: "st" }),
      `'job "' .. id .. '" has an unknown status "' .. st .. '"'`,
    );
    assert.equal(luaString("a'b\\c\n"), "'a\\'b\\\\c\\n'");
    assert.equal(
      formatMessage(MESSAGE.unknownStatus, { id: "j", status: "x" }),
      'job "j" has an unknown status "x"',
    );
    assert.throws(() => luaMessage(MESSAGE.noJobData, {}), RangeError);
  });
});
