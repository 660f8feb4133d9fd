/**
 * The dashboard on Redis in Chromium, with a worker running in another
 * process (the real worker command): the workers page and the overview list
 * it with its host, pid and queues.
 */
import assert from "node:assert/strict";
import { hostname } from "node:os";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { Repid } from "../../mod.ts";
import { dashboard, nodeListener } from "../../src/dashboard/mod.ts";
import { launchBrowser, screenshot, serve, type TestServer } from "../support/browser.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { type Run, runDeno } from "../support/subprocess.ts";

describe("the dashboard on Redis with a worker in another process", () => {
  const prefix = testPrefix("dashboard-workers");
  let worker: Run;
  let browser: Browser;
  let app: TestServer;
  let handler: ReturnType<typeof dashboard>;
  const producer = new Repid(REDIS_URL, { prefix, logger: "silent" });

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
    handler = dashboard({ redis: REDIS_URL, prefix });
    app = await serve(nodeListener(handler));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await handler?.close();
    await producer.close();
    worker?.signal("SIGTERM");
    await worker?.exited;
    worker?.kill();
    await cleanup(prefix);
  });

  it("lists the worker with its host, pid and queues on the workers page and the overview", async () => {
    const page = await browser.newPage();
    const pid = String(worker.child.pid);
    // A job it ran: the worker registered before it fetched.
    const job = await producer.enqueueJob("double", { queue: "dash", args: [21] });
    assert.equal((await job.result).value, 42);
    await page.goto(`${app.origin}/workers`);
    const row = page.locator("tr[data-worker]", { has: page.locator(`td.num:text-is("${pid}")`) });
    const cells = await row.locator("td").allInnerTexts();
    assert.equal(cells[1], hostname());
    assert.equal(cells[3], "dash, dash-other");
    assert.equal(cells[4], "4");
    await screenshot(page, "workers");
    await page.goto(`${app.origin}/`);
    await screenshot(page, "overview");
    assert.deepEqual(
      await page.locator("tr[data-queue]").evaluateAll((rows) =>
        rows.map((r) => r.getAttribute("data-queue"))
      ),
      ["dash", "dash-other", "default"],
    );
    await page.goto(`${app.origin}/queues/dash?state=done`);
    await screenshot(page, "queue");
    await page.close();
  });
});
