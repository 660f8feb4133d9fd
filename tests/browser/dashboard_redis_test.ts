/**
 * The dashboard on Redis in Chromium, with a worker running in another
 * process (the real worker command): the workers page lists it, the
 * overview counts a queue's jobs right and follows new ones by itself.
 */
import assert from "node:assert/strict";
import { hostname } from "node:os";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { Repid } from "../../mod.ts";
import { dashboard } from "../../src/dashboard/mod.ts";
import {
  type DashboardInBrowser,
  openDashboard,
  screenshot,
  watchPage,
} from "../support/browser.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { type Run, runDeno } from "../support/subprocess.ts";

describe("the dashboard on Redis with a worker in another process", () => {
  const prefix = testPrefix("dashboard-workers");
  let worker: Run;
  let ui: DashboardInBrowser;
  const producer = new Repid(REDIS_URL, { prefix, logger: "silent" });
  const redis = new Redis(REDIS_URL);

  before(async () => {
    worker = runDeno(
      [
        "run",
        "-A",
        "src/cli/main.ts",
        "worker",
        "tests/browser/fixtures/dashboard_actors.ts",
        "--redis-url",
        REDIS_URL,
        "--prefix",
        prefix,
        "--log-level",
        "warn",
        "--concurrency",
        "4",
      ],
      { REPID_DASH_PREFIX: prefix, REPID_DASH_REDIS_URL: REDIS_URL },
    );
    ui = await openDashboard(dashboard({ redis: REDIS_URL, prefix, queues: ["dash-idle"] }));
  });

  after(async () => {
    await ui?.close();
    await producer.close();
    await redis.quit();
    worker?.signal("SIGTERM");
    await worker?.exited;
    worker?.kill();
    await cleanup(prefix);
  });

  it("lists the worker with its host, pid, queues and heartbeat on the workers page, the overview and its job's page", async () => {
    const page = await ui.browser.newPage();
    const pid = String(worker.child.pid);
    // A job it ran: the worker registered before it fetched.
    const job = await producer.enqueueJob("double", { queue: "dash", args: [21] });
    assert.equal((await job.result).value, 42);
    await page.goto(`${ui.origin}/workers`);
    const row = page.locator("tr[data-worker]", { has: page.locator(`td.num:text-is("${pid}")`) });
    const cells = await row.locator("td").allInnerTexts();
    assert.equal(cells[1], hostname());
    assert.equal(cells[3], "dash, dash-other");
    assert.equal(cells[4], "0 / 4"); // running / concurrency
    assert.match(cells[6], /^(now|[\d.]+ s ago)$/); // its last heartbeat
    const workerId = await row.getAttribute("data-worker");
    assert.equal(cells[0], workerId);
    await screenshot(page, "workers");
    // The job's page names the worker that ran it.
    await page.goto(`${ui.origin}/queues/dash/jobs/${job.id}`);
    assert.equal(await page.locator(`dl.facts dt:text-is("Worker") + dd`).innerText(), workerId);
    await page.goto(`${ui.origin}/`);
    await screenshot(page, "overview");
    assert.equal(await page.locator(`tr[data-worker="${workerId}"]`).count(), 1, "a live worker");
    assert.deepEqual(
      await page.locator("tr[data-queue]").evaluateAll((rows) =>
        rows.map((r) => r.getAttribute("data-queue"))
      ),
      ["dash", "dash-idle"], // the queue with a job, and the one the dashboard was told of
    );
    await page.goto(`${ui.origin}/queues/dash?state=done`);
    await screenshot(page, "queue");
    await page.close();
  });

  it("shows the right counts per state on the overview, and refreshes them by itself", async () => {
    for (let i = 0; i < 3; i++) {
      await producer.enqueueJob("idle", { queue: "dash-idle", args: [i] });
    }
    const later = new Date(Date.now() + 3_600_000);
    for (let i = 0; i < 2; i++) {
      await producer.enqueueJob("idle", { queue: "dash-idle", args: [i], deferUntil: later });
    }
    for (const n of [1, 2]) {
      const job = await producer.enqueueJob("double_elsewhere", { queue: "dash-other", args: [n] });
      assert.equal((await job.result).status, "done");
    }
    const page = await ui.browser.newPage();
    await page.goto(`${ui.origin}/`);
    const counts = (queue: string) =>
      page.locator(`tr[data-queue="${queue}"] td.num:not(:has(form))`).allInnerTexts();
    assert.deepEqual(await counts("dash-idle"), ["3", "2", "0", "0", "0", "0", "0"]);
    assert.deepEqual(await counts("dash-other"), ["0", "0", "0", "2", "0", "0", "0"]);
    await producer.enqueueJob("idle", { queue: "dash-idle", args: [3] });
    // No reload: the page's script polls the counts.
    await page.locator('tr[data-queue="dash-idle"] [data-count-state="queued"]')
      .filter({ hasText: /^4$/ }).waitFor();
    await screenshot(page, "overview-counts");
    await page.close();
  });

  it("shows a failed job's error stack, and Requeue sends it through the worker until the page shows it done", async () => {
    const job = await producer.enqueueJob("sync_invoice", { queue: "dash", args: ["INV-7"] });
    assert.equal((await job.result).status, "failed");
    const page = await ui.browser.newPage();
    const seen = watchPage(page);
    await page.goto(`${ui.origin}/queues/dash/jobs/${job.id}`);
    assert.match(
      await page.locator("pre.stack").first().innerText(),
      /^Error: invoice INV-7: upstream refused\n\s+at /,
    );
    assert.match(await page.locator("pre.args").innerText(), /"INV-7"/);
    await redis.set(`${prefix}:test:fixed`, "1"); // the upstream was fixed
    await page.getByRole("button", { name: "Requeue" }).click();
    await page.locator(".notice").filter({ hasText: `Requeued ${job.id}.` }).waitFor();
    // The worker in the other process runs it again; the page follows it by itself.
    await page.locator("h1 .badge.state-done").waitFor();
    assert.match(await page.locator("pre.result").innerText(), /"synced": true/);
    await screenshot(page, "job-requeued-done");
    assert.deepEqual(seen, { dialogs: [], errors: [] });
    await page.close();
  });

  it("Cancel on a running job's page makes its actor in the other process see the abort", async () => {
    const job = await producer.enqueueJob("wait_for_cancel", { queue: "dash" });
    const listener = redis.duplicate();
    try {
      assert.deepEqual(await listener.blpop(`${prefix}:test:started`, 60), [
        `${prefix}:test:started`,
        job.id,
      ]);
      const page = await ui.browser.newPage();
      const seen = watchPage(page); // accepts the confirm dialog
      await page.goto(`${ui.origin}/queues/dash/jobs/${job.id}`);
      assert.equal(await page.locator("h1 .badge").innerText(), "in progress");
      await page.getByRole("button", { name: "Cancel" }).click();
      assert.deepEqual(await listener.blpop(`${prefix}:test:aborted`, 60), [
        `${prefix}:test:aborted`,
        job.id,
      ]);
      await page.locator("h1 .badge.state-cancelled").waitFor();
      assert.equal((await job.result).status, "cancelled");
      await screenshot(page, "job-cancelled");
      assert.deepEqual(seen, { dialogs: [], errors: [] });
      await page.close();
    } finally {
      listener.disconnect();
    }
  });

  it("Pause on a queue's page stops new starts of its jobs until Resume", async () => {
    const page = await ui.browser.newPage();
    await page.goto(`${ui.origin}/queues/dash`);
    await page.getByRole("button", { name: "Pause" }).click();
    await page.locator(".notice").filter({ hasText: "Paused dash" }).waitFor();
    assert.equal(await page.locator("h1 [data-paused]").isVisible(), true);
    assert.equal(await producer.queue("dash").isPaused(), true);
    const held = await producer.enqueueJob("double", { queue: "dash", args: [5] });
    // The same worker goes on with its other queue meanwhile.
    const other = await producer.enqueueJob("double_elsewhere", { queue: "dash-other", args: [6] });
    assert.equal((await other.result).value, 12);
    assert.equal(await held.status(), "queued");
    await page.getByRole("button", { name: "Resume" }).click();
    await page.locator(".notice").filter({ hasText: "Resumed dash" }).waitFor();
    assert.equal((await held.result).value, 10);
    assert.equal(await page.locator("h1 [data-paused]").isVisible(), false);
    await page.close();
  });
});
