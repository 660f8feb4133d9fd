/**
 * The dashboard's security in a real browser (Chromium): a job whose
 * arguments, result, error, id or actor name carry markup renders as text
 * and runs no script; a cross-site form post is refused while the page's
 * own button works; a read-only dashboard shows no action and refuses a
 * direct POST.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MemoryBackend, Repid, Worker } from "../../mod.ts";
import { storedJobFields } from "../../src/backend/memory/memory_backend.ts";
import { dashboard, nodeListener } from "../../src/dashboard/mod.ts";
import {
  type DashboardInBrowser,
  openDashboard,
  screenshot,
  serve,
  type TestServer,
  watchPage,
} from "../support/browser.ts";

const IMG = "<img src=x onerror=alert(1)>";
const SCRIPT = "</script><script>alert(2)</script>";
/** A schedule id (no white space allowed) that is markup too. */
const ID = "<img/src=x/onerror=alert(3)>";
/** What the job's markup would make, were it not text (the pages draw their own SVG charts). */
const JOB_MARKUP = "main img, main [onload], main [onerror]";
/** A job's own id that is markup. */
const JOB_ID = "<svg/onload=alert(4)>";
/** An actor name no producer accepts, as a foreign writer could store it. */
const ACTOR = "<img src=x onerror=alert(5)>";

describe("the dashboard in Chromium", () => {
  const name = `dashboard-browser-${crypto.randomUUID()}`;
  const store = `memory://${name}`;
  const producer = new Repid(store, { logger: "silent" });
  const worker = new Worker(store, { logger: "silent" });
  let running: Promise<void>;
  let ui: DashboardInBrowser;
  let readOnlyApp: TestServer;
  const ids = { done: "", failed: "", foreign: "" };

  before(async () => {
    worker.actor(async function echo(x: string) {
      await Promise.resolve();
      return { echoed: x, html: SCRIPT };
    });
    worker.actor(async function explode(_x: string) {
      await Promise.resolve();
      throw new Error(`${IMG} ${SCRIPT}`);
    }, { retries: 0 });
    running = worker.runForever({ handleSignals: false });
    const done = await producer.enqueueJob("echo", { args: [IMG, SCRIPT] });
    const failed = await producer.enqueueJob("explode", { args: [SCRIPT] });
    await done.result;
    await failed.result;
    ids.done = done.id;
    ids.failed = failed.id;
    const marked = await producer.enqueueJob("explode", { jobId: JOB_ID, args: [IMG] });
    assert.equal((await marked.result).status, "failed");
    // A job written by a foreign writer, with markup for its actor's name.
    const foreign = await producer.enqueueJob("echo", {
      args: [IMG],
      deferUntil: new Date(Date.now() + 3_600_000),
    });
    const backend = new MemoryBackend({ store: name });
    storedJobFields(backend, "default", foreign.id)!.actor = ACTOR;
    await backend.close();
    ids.foreign = foreign.id;
    await producer.enqueueJob("echo", { cron: "0 * * * *", jobId: ID, args: [IMG] });
    ui = await openDashboard(dashboard({ producer }));
    readOnlyApp = await serve(nodeListener(dashboard({ producer, readOnly: true })));
  });

  after(async () => {
    await ui?.close();
    await readOnlyApp?.close();
    await worker.stop();
    await running;
    await producer.close();
  });

  it("renders a job's markup as text and runs none of it", async () => {
    const page = await ui.browser.newPage();
    const seen = watchPage(page);
    for (const id of [ids.done, ids.failed, JOB_ID, ids.foreign]) {
      await page.goto(`${ui.origin}/queues/default/jobs/${encodeURIComponent(id)}`);
      await page.waitForSelector("h1");
      assert.equal(await page.locator(JOB_MARKUP).count(), 0, "no markup from the job");
      assert.equal(await page.locator("script").count(), 1, "only the dashboard's script");
    }
    // The foreign job's actor name (the page shown last), and the marked job's id, as text.
    assert.equal(await page.locator("dl.facts code").first().innerText(), ACTOR);
    await page.goto(`${ui.origin}/queues/default/jobs/${encodeURIComponent(JOB_ID)}`);
    assert.equal(await page.locator("h1 .mono").innerText(), JOB_ID);
    assert.match(
      await page.locator("pre.stack").innerText(),
      /Error: <img src=x onerror=alert\(1\)> <\/script><script>/,
    );
    await page.goto(`${ui.origin}/queues/default/jobs/${ids.done}`);
    assert.match(
      await page.locator("pre.result").innerText(),
      /"html": "<\/script><script>alert\(2\)<\/script>"/,
    );
    await screenshot(page, "job-xss");
    // deferred: the foreign job and the schedule's next occurrence
    for (const [state, count] of [["done", 1], ["failed", 2], ["deferred", 2]] as const) {
      await page.goto(`${ui.origin}/queues/default?state=${state}`);
      assert.equal(await page.locator("tr[data-job]").count(), count, state);
      assert.equal(await page.locator(JOB_MARKUP).count(), 0, `none in ${state}`);
    }
    assert.equal(await page.locator(`tr[data-job="${ids.foreign}"] code`).innerText(), ACTOR);
    await page.goto(`${ui.origin}/queues/default?state=failed`);
    assert.equal(await page.locator(`tr[data-job="${JOB_ID}"] a`).innerText(), JOB_ID);
    await page.goto(`${ui.origin}/schedules`);
    assert.equal(await page.locator("main td.mono").first().innerText(), ID);
    assert.equal(await page.locator("main img").count(), 0);
    // The page's own script ran (it is allowed by the CSP), the job's did not.
    assert.deepEqual(seen, { dialogs: [], errors: [] });
    await page.close();
  });

  it("refuses a cross-site form post, and pauses the schedule from its own button", async () => {
    const evil = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(
        `<form id="f" method="post" action="${ui.origin}/schedules/default/${
          encodeURIComponent(ID)
        }/pause"><input name="back" value="/"></form><script>document.getElementById("f").submit()</script>`,
      );
    });
    const page = await ui.browser.newPage();
    try {
      await page.goto(`${ui.origin}/schedules`); // the browser now holds the dashboard's cookie
      const refused = page.waitForResponse((r) => r.url().endsWith("/pause"));
      await page.goto(evil.origin);
      const response = await refused;
      assert.equal(response.status(), 403);
      assert.equal((await producer.schedules())[0].status, "active");

      await page.goto(`${ui.origin}/schedules`);
      await page.getByRole("button", { name: "Pause" }).click();
      await page.waitForSelector(".notice");
      assert.match(await page.locator(".notice").innerText(), /^Paused /);
      assert.equal((await producer.schedules())[0].status, "paused");
      await page.getByRole("button", { name: "Resume" }).click();
      await page.waitForSelector(".notice >> text=/^Resumed/");
      assert.equal((await producer.schedules())[0].status, "active");
    } finally {
      await page.close();
      await evil.close();
    }
  });

  it("on a read-only dashboard, shows no action and refuses a direct POST", async () => {
    const page = await ui.browser.newPage();
    for (
      const path of [
        "/",
        "/schedules",
        "/queues/default?state=failed",
        `/queues/default/jobs/${ids.failed}`,
      ]
    ) {
      await page.goto(readOnlyApp.origin + path);
      assert.equal(await page.locator("form[method=post]").count(), 0, path);
      const actions = /Requeue|Remove|Pause|Resume|Cancel|Run now/;
      assert.equal(await page.getByRole("button", { name: actions }).count(), 0, path);
    }
    const status = await page.evaluate(async (action) => {
      const response = await fetch(action, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "back=%2F",
      });
      return response.status;
    }, `/schedules/default/${encodeURIComponent(ID)}/pause`);
    assert.equal(status, 403);
    assert.equal((await producer.schedules())[0].status, "active");
    await page.close();
  });
});
