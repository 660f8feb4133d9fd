/**
 * `repid dashboard` (`deno task dashboard`): serves the dashboard with basic
 * auth from REPID_DASHBOARD_AUTH, shows the Redis of REDIS_URL, stops on
 * SIGTERM, rejects a bad command line. `deno task demo:dashboard` serves it on the in-memory store with
 * jobs flowing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Repid } from "../../mod.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { runDeno } from "../support/subprocess.ts";
import { waitFor } from "../support/wait.ts";

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

test("`repid dashboard` shows the queues of the Redis named by REDIS_URL, under --prefix", async () => {
  const prefix = testPrefix("cli-dashboard");
  const producer = new Repid(REDIS_URL, { prefix, logger: "silent" });
  const run = runDeno(
    ["run", "-A", "src/cli/main.ts", "dashboard", "--port", "0", "--prefix", prefix],
    { REDIS_URL },
  );
  try {
    const job = await producer.enqueueJob("send_invoice", { queue: "billing", args: [7] });
    await run.waitForOutput("\n");
    const url = /http:\/\/\S+\//.exec(run.stdout())?.[0];
    assert.ok(url, run.stdout());
    const counts = await (await fetch(`${url}api/counts`)).json();
    assert.equal(counts.queues.billing.counts.queued, 1);
    const page = await fetch(`${url}queues/billing/jobs/${job.id}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /send_invoice/);
    run.signal("SIGTERM");
    assert.deepEqual(await run.exited, { code: 0, signal: null });
  } finally {
    run.kill();
    await producer.close();
    await cleanup(prefix);
  }
});

test("`repid dashboard` names a bad option and exits with 2", async () => {
  const run = runDeno(["run", "-A", "src/cli/main.ts", "dashboard", "--port", "http"]);
  assert.deepEqual(await run.exited, { code: 2, signal: null });
  assert.match(run.stderr(), /option --port is "http", expected 0 to 65535/);
});

test("`deno task demo:dashboard` serves the dashboard on the in-memory store with jobs flowing", async () => {
  const run = runDeno(["run", "-A", "examples/demo_dashboard.ts", "--port", "0"]);
  try {
    await run.waitForOutput("(Ctrl-C to stop)\n", 60_000);
    const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(run.stdout())?.[0];
    assert.ok(url, run.stdout());
    type Counts = { queues: Record<string, { counts: Record<string, number> | null }> };
    const counts = async () => ((await (await fetch(`${url}api/counts`)).json()) as Counts).queues;
    assert.deepEqual(Object.keys(await counts()).sort(), ["default", "emails", "reports"]);
    // The demo's producer and worker at work: jobs finish on two queues.
    await waitFor("jobs done on emails and default", async () => {
      const queues = await counts();
      return (queues.emails.counts?.done ?? 0) > 0 && (queues.default.counts?.done ?? 0) > 0;
    }, { timeoutMs: 30_000, everyMs: 200 });
    const overview = await fetch(url);
    assert.equal(overview.status, 200);
    assert.match(await overview.text(), /<tr[^>]* data-queue="emails"/);
    const workers = await (await fetch(`${url}workers`)).text();
    assert.match(workers, /<p class="lead">1 live /);
    run.signal("SIGTERM");
    assert.deepEqual(await run.exited, { code: 0, signal: null });
    assert.match(run.stdout(), /Stopped\.\n$/);
  } finally {
    run.kill();
  }
});
