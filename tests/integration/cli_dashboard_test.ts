/**
 * `repid dashboard` (`deno task dashboard`): serves the dashboard with basic
 * auth from REPID_DASHBOARD_AUTH, stops on SIGTERM, rejects a bad command line.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runDeno } from "../support/subprocess.ts";

test("`repid dashboard` serves with basic auth from REPID_DASHBOARD_AUTH and stops on SIGTERM", async () => {
  const run = runDeno(
    ["run", "-A", "src/cli/main.ts", "dashboard", "--port", "0", "--redis", "memory://cli-dash"],
    { REPID_DASHBOARD_AUTH: "admin:s3cret" },
  );
  try {
    await run.waitForOutput("(basic auth)\n");
    const url = /http:\/\/\S+\//.exec(run.stdout())?.[0];
    assert.ok(url, run.stdout());
    const anonymous = await fetch(url);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get("www-authenticate") ?? "", /^Basic realm=/);
    await anonymous.body?.cancel();
    const admin = await fetch(`${url}workers`, {
      headers: { authorization: `Basic ${btoa("admin:s3cret")}` },
    });
    assert.equal(admin.status, 200);
    assert.match(await admin.text(), /<h1>Workers<\/h1>/);
    run.signal("SIGTERM");
    assert.deepEqual(await run.exited, { code: 0, signal: null });
  } finally {
    run.kill();
  }
});

test("`repid dashboard` names a bad option and exits with 2", async () => {
  const run = runDeno(["run", "-A", "src/cli/main.ts", "dashboard", "--port", "http"]);
  assert.deepEqual(await run.exited, { code: 2, signal: null });
  assert.match(run.stderr(), /option --port is "http", expected 0 to 65535/);
});
