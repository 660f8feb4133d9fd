/**
 * `deno task worker` and Ctrl-C: the terminal signals the whole process
 * group, and a parent that forwards signals (`npx`, `npm run`, some
 * versions of `deno task`, supervisors) passes it on too, so the worker
 * receives it twice at once. That must count as one signal: a graceful stop.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Repid } from "../../mod.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { runDeno, within } from "../support/subprocess.ts";

test("`repid worker`: SIGINT to its process group, also forwarded by its parent, lets the running job finish", async () => {
  const prefix = testPrefix("cli-signals");
  const release = join(tmpdir(), `repid-cli-signals-${crypto.randomUUID()}`);
  const producer = new Repid(REDIS_URL, { prefix });
  // Through a parent that forwards signals (as `npx -y deno@2 task worker`
  // runs it): the worker gets the group's SIGINT and the forwarded one.
  const run = runDeno(
    [
      "run",
      "-A",
      "tests/integration/fixtures/forward_signals.ts",
      "run",
      "-A",
      "src/cli/main.ts",
      "worker",
      "tests/integration/fixtures/cli_wait_actors.ts",
      "--queues",
      "default",
      "--prefix",
      prefix,
      "--redis-url",
      REDIS_URL,
      "--log-level",
      "info",
    ],
    {},
    { detached: true },
  );
  try {
    const job = await producer.enqueueJob("cli_wait_for_file", { args: [release, "finished"] });
    await run.waitForOutput(`"id":"${job.id}"`);
    run.signalGroup("SIGINT"); // what Ctrl-C in a terminal does
    await run.waitForOutput("received SIGINT, stopping");
    await run.waitForOutput("received SIGINT again within 1000 ms"); // the forwarded one
    writeFileSync(release, "go"); // the job may finish now, after the signals arrived
    const { code } = await within(run.exited, 60_000, "worker exit after SIGINT");
    assert.equal(code, 0, `${run.stdout()}\n${run.stderr()}`);
    assert.doesNotMatch(run.stderr(), /second signal/);
    assert.match(run.stdout(), /INFO +repid: worker stopped/);
    const result = await job.getResult();
    assert.equal(result?.status, "done", `${run.stdout()}\n${run.stderr()}`);
    assert.equal(result?.value, "finished");
  } finally {
    run.kill();
    await rm(release, { force: true });
    await producer.close();
    await cleanup(prefix);
  }
});
