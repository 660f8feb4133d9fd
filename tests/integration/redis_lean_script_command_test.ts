/**
 * Redis only: the command class Repid gives its scripts (see
 * lean_script_command.ts) sends EVAL the first time on a connection and
 * EVALSHA after, sends EVAL again after a NOSCRIPT reply, and rejects with
 * the script's error.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Redis, ReplyError } from "ioredis";
import { useLeanScriptCommand } from "../../src/backend/redis/lean_script_command.ts";
import { cleanup, REDIS_URL, singleNode, testPrefix } from "../support/redis.ts";

interface ScriptCommand {
  name: string;
  toWritable(socket: object): unknown;
}
type ScriptClass = new (name: string, args: unknown[]) => ScriptCommand;

test(
  "lean script command: EVAL, then EVALSHA, EVAL again after NOSCRIPT, errors reject",
  singleNode("one connection's script cache"),
  async () => {
    const prefix = testPrefix("lean-script");
    const client = new Redis(REDIS_URL);
    // The prefix makes the script (and so its sha) unknown to the server.
    const lua = `-- ${prefix}\nif ARGV[1] == 'fail' then return redis.error_reply('ERR no') end\n` +
      `return 'x' .. ARGV[1]`;
    client.defineCommand("leanTest", { numberOfKeys: 1, lua });
    useLeanScriptCommand(client, "leanTest");
    const script = (client as unknown as { scriptsSet: Record<string, { Command: ScriptClass }> })
      .scriptsSet.leanTest;
    assert.equal(script.Command.name, "LeanScriptCommand");
    const sent: string[] = [];
    const send = client.sendCommand.bind(client);
    client.sendCommand = ((command: ScriptCommand, ...rest: unknown[]) => {
      const result = (send as (...args: unknown[]) => unknown)(command, ...rest);
      sent.push(command.name);
      return result;
    }) as typeof client.sendCommand;
    const run = (client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)
      .leanTest;
    const key = `${prefix}:k`;
    try {
      await client.ping();
      sent.length = 0;
      assert.equal(await run.call(client, key, "1"), "x1");
      assert.equal(await run.call(client, key, "2"), "x2");
      assert.deepEqual(sent, ["eval", "evalsha"]);
      // A connection that takes the script for loaded gets NOSCRIPT, then EVAL.
      const other = new Redis(REDIS_URL);
      try {
        await other.ping();
        other.defineCommand("leanTest", {
          numberOfKeys: 1,
          lua: `-- ${prefix} other\nreturn 'y' .. ARGV[1]`,
        });
        useLeanScriptCommand(other, "leanTest");
        const otherScript =
          (other as unknown as { scriptsSet: Record<string, { Command: ScriptClass }> })
            .scriptsSet.leanTest;
        // Marks the connection as having the script without sending it.
        new otherScript.Command("evalsha", ["", 1, key]).toWritable(
          (other as unknown as { stream: object }).stream,
        );
        const names: string[] = [];
        const otherSend = other.sendCommand.bind(other);
        other.sendCommand = ((command: ScriptCommand, ...rest: unknown[]) => {
          const result = (otherSend as (...args: unknown[]) => unknown)(command, ...rest);
          names.push(command.name);
          return result;
        }) as typeof other.sendCommand;
        const otherRun = (other as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)
          .leanTest;
        assert.equal(await otherRun.call(other, key, "3"), "y3");
        assert.deepEqual(names, ["evalsha", "eval"]);
      } finally {
        await other.quit();
      }
      await assert.rejects(run.call(client, key, "fail"), (error: unknown) => {
        assert.ok(error instanceof ReplyError);
        assert.match((error as Error).message, /ERR no/);
        return true;
      });
    } finally {
      await client.quit();
      await cleanup(prefix);
    }
  },
);
