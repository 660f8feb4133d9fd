/**
 * The dashboard's Fetch handler without a browser (also run on Node against
 * the npm build): escaping of everything a job brings, the security headers,
 * the CSRF checks of every POST, read-only mode, `authorize`, `basePath`,
 * and `nodeListener` over `node:http`.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { hours, Repid, Worker } from "../../mod.ts";
import { dashboard, nodeListener } from "../../src/dashboard/mod.ts";
import { DashboardClient, formsOf } from "../support/dashboard_client.ts";

const XSS_ARG = "<img src=x onerror=alert(1)>";
const XSS_ERROR = "</script><script>alert(2)</script>";

describe("dashboard()", () => {
  const store = `memory://dashboard-handler-${crypto.randomUUID()}`;
  const producer = new Repid(store, { logger: "silent" });
  const worker = new Worker(store, { logger: "silent" });
  let running: Promise<void>;
  let failedId = "";
  let doneId = "";

  before(async () => {
    worker.actor(async function echo(x: string) {
      await Promise.resolve();
      return { echoed: x };
    });
    worker.actor(async function explode(x: string) {
      await Promise.resolve();
      throw new TypeError(`${XSS_ERROR} ${x}`);
    }, { retries: 0 });
    running = worker.runForever({ handleSignals: false });
    const done = await producer.enqueueJob("echo", { args: [XSS_ARG] });
    const failed = await producer.enqueueJob("explode", { args: [XSS_ARG] });
    assert.equal((await done.result).status, "done");
    assert.equal((await failed.result).status, "failed");
    doneId = done.id;
    failedId = failed.id;
    await producer.enqueueJob("echo", { cron: "0 * * * *", jobId: "hourly", args: [XSS_ARG] });
  });

  after(async () => {
    await worker.stop();
    await running;
    await producer.close();
  });

  it("escapes a job's result and error as text on its page", async () => {
    const client = new DashboardClient(dashboard({ producer }));
    const donePage = await client.page(`/queues/default/jobs/${doneId}`);
    assert.ok(donePage.includes("&lt;img src=x onerror=alert(1)&gt;"), "the result as text");
    assert.ok(!donePage.includes(XSS_ARG), "no raw markup from the result");
    const failedPage = await client.page(`/queues/default/jobs/${failedId}`);
    assert.ok(failedPage.includes("&lt;/script&gt;&lt;script&gt;alert(2)"), "the error as text");
    assert.ok(!failedPage.includes(XSS_ERROR), "no raw markup from the error");
    assert.match(failedPage, /<pre class="stack">TypeError: &lt;\/script&gt;/);
    assert.equal(
      (failedPage.match(/<script\b/g) ?? []).length,
      1,
      "only the dashboard's own script",
    );
  });

  it("sends a Content-Security-Policy without inline script or other origins on every response", async () => {
    const client = new DashboardClient(dashboard({ producer }));
    for (const path of ["/", "/workers", "/schedules", "/assets/dashboard.js", "/nowhere"]) {
      const response = await client.get(path);
      const csp = response.headers.get("content-security-policy") ?? "";
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.match(csp, /default-src 'none'/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/, path);
      assert.equal(response.headers.get("x-content-type-options"), "nosniff", path);
      await response.body?.cancel();
    }
    const page = await client.page("/");
    assert.doesNotMatch(page, /<script(?![^>]*\bsrc="\/assets\/dashboard\.js")/);
    assert.doesNotMatch(page, /\son[a-z]+=|style="|https?:\/\//);
  });

  it("pauses a schedule through a POST of its page's form, and returns to the page", async () => {
    const client = new DashboardClient(dashboard({ producer }));
    const page = await client.page("/schedules");
    const pause = formsOf(page).find((f) => f.label === "Pause");
    assert.ok(pause, "a Pause form");
    const response = await client.post(pause.action, pause.fields);
    assert.equal(response.status, 303);
    assert.match(response.headers.get("location") ?? "", /^\/schedules\?notice=Paused\+hourly/);
    assert.equal((await producer.schedules())[0].status, "paused");
    const resume = formsOf(await client.page("/schedules")).find((f) => f.label === "Resume");
    assert.ok(resume, "a Resume form once paused");
    assert.equal((await client.post(resume.action, resume.fields)).status, 303);
    assert.equal((await producer.schedules())[0].status, "active");
  });

  it("refuses a POST without the page's token, with another browser's token, or cross-site", async () => {
    const handler = dashboard({ producer });
    const client = new DashboardClient(handler);
    const pause = formsOf(await client.page("/schedules")).find((f) => f.label === "Pause");
    assert.ok(pause);
    const refused = async (response: Response, why: RegExp) => {
      assert.equal(response.status, 403);
      assert.match(await response.text(), why);
    };
    await refused(await client.post(pause.action, { ...pause.fields, _csrf: "" }), /CSRF token/);
    const other = new DashboardClient(handler);
    await other.page("/schedules"); // another browser: its own cookie
    await refused(await other.post(pause.action, pause.fields), /CSRF token/);
    await refused(
      await client.post(pause.action, pause.fields, {
        "sec-fetch-site": "cross-site",
        origin: "http://evil.test",
      }),
      /Sec-Fetch-Site is cross-site/,
    );
    await refused(
      await client.post(pause.action, pause.fields, { origin: "http://evil.test" }),
      /Origin http:\/\/evil\.test/,
    );
    const sameToken = dashboard({ producer }); // another dashboard: another secret
    const elsewhere = new DashboardClient(sameToken);
    elsewhere.cookie = client.cookie;
    await refused(await elsewhere.post(pause.action, pause.fields), /CSRF token/);
    assert.equal((await producer.schedules())[0].status, "active");
  });

  it("changes nothing on a GET of an action's path", async () => {
    const client = new DashboardClient(dashboard({ producer }));
    const response = await client.get("/schedules/default/hourly/pause");
    assert.equal(response.status, 404);
    await response.body?.cancel();
    assert.equal((await producer.schedules())[0].status, "active");
  });

  it("with readOnly, shows no action and refuses a direct POST with 403", async () => {
    const writable = new DashboardClient(dashboard({ producer, secret: "s".repeat(32) }));
    const pause = formsOf(await writable.page("/schedules")).find((f) => f.label === "Pause");
    assert.ok(pause);
    const readOnly = new DashboardClient(
      dashboard({ producer, readOnly: true, secret: "s".repeat(32) }),
    );
    for (
      const path of [
        "/",
        "/schedules",
        "/workers",
        "/queues/default?state=failed",
        `/queues/default/jobs/${failedId}`,
      ]
    ) {
      assert.deepEqual(formsOf(await readOnly.page(path)), [], path);
    }
    readOnly.cookie = writable.cookie; // a valid cookie and token for this secret
    const response = await readOnly.post(pause.action, pause.fields);
    assert.equal(response.status, 403);
    assert.match(await response.text(), /read-only/);
    assert.equal((await producer.schedules())[0].status, "active");
  });

  it("runs authorize before every request: false is 403, a Response is answered as it is", async () => {
    const seen: string[] = [];
    const handler = dashboard({
      producer,
      authorize: (request) => {
        seen.push(new URL(request.url).pathname);
        if (request.headers.get("authorization") === "Bearer ok") return true;
        if (request.headers.get("authorization")) return false;
        return new Response("who are you?", {
          status: 401,
          headers: { "www-authenticate": "Bearer" },
        });
      },
    });
    const client = new DashboardClient(handler);
    const anonymous = await client.get("/assets/dashboard.css");
    assert.equal(anonymous.status, 401);
    assert.equal(await anonymous.text(), "who are you?");
    const wrong = await client.get("/", { authorization: "Bearer no" });
    assert.equal(wrong.status, 403);
    await wrong.body?.cancel();
    const post = await client.post("/schedules/default/hourly/pause", {});
    assert.equal(post.status, 401);
    await post.body?.cancel();
    const ok = await client.get("/workers", { authorization: "Bearer ok" });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    assert.deepEqual(seen, [
      "/assets/dashboard.css",
      "/",
      "/schedules/default/hourly/pause",
      "/workers",
    ]);
  });

  it("serves under basePath only, with every link and form under it", async () => {
    const client = new DashboardClient(dashboard({ producer, basePath: "/admin/jobs/" }));
    const outside = await client.get("/schedules");
    assert.equal(outside.status, 404);
    await outside.body?.cancel();
    const bare = await client.get("/admin/jobs");
    assert.equal(bare.status, 303);
    assert.equal(bare.headers.get("location"), "/admin/jobs/");
    const page = await client.page("/admin/jobs/schedules");
    for (const m of page.matchAll(/(?:href|src|action)="(?!data:,")([^"]*)"/g)) {
      assert.match(m[1], /^\/admin\/jobs\//, m[1]);
    }
    assert.ok(formsOf(page).length > 0);
    assert.match(client.cookie, /^repid_dashboard_csrf=/);
  });

  it("finds a job by id from the queue's search, says so for an unknown id, and answers 404 for an unknown job or queue", async () => {
    const client = new DashboardClient(dashboard({ producer }));
    const found = await client.get(`/queues/default?id=${encodeURIComponent(failedId)}`);
    assert.equal(found.status, 303);
    assert.equal(found.headers.get("location"), `/queues/default/jobs/${failedId}`);
    const missing = await client.page(`/queues/default?id=${encodeURIComponent(XSS_ARG)}`);
    assert.match(missing, /No job &lt;img src=x onerror=alert\(1\)&gt; in default\./);
    const unknownJob = await client.get("/queues/default/jobs/nope");
    assert.equal(unknownJob.status, 404);
    await unknownJob.body?.cancel();
    const pause = formsOf(await client.page("/queues/default")).find((f) => f.label === "Pause");
    assert.ok(pause);
    const unknownQueue = await client.post("/queues/nowhere/pause", pause.fields);
    assert.equal(unknownQueue.status, 404);
    assert.match(await unknownQueue.text(), /nowhere/);
  });

  it("counts a queue's jobs per state and charts its throughput on the overview, and in /api/counts", async () => {
    const handler = dashboard({ redis: store });
    const client = new DashboardClient(handler);
    const counts = await (await client.get("/api/counts")).json() as {
      queues: Record<string, { counts: Record<string, number> }>;
    };
    assert.deepEqual(counts.queues.default.counts, {
      queued: 0,
      deferred: 1, // the next occurrence of the schedule "hourly"
      active: 0,
      done: 1,
      failed: 1,
      dead: 0,
      cancelled: 0,
    });
    const page = await client.page("/");
    assert.match(page, /data-count-queue="default" data-count-state="done">1</);
    assert.match(page, /data-count-queue="default" data-count-state="failed">1</);
    // The throughput chart of the last hour has the two finished jobs (in one minute or two).
    assert.match(page, /<svg viewBox="0 0 720 160" role="img"/);
    const minutes = [...page.matchAll(/UTC: (\d+) done, (\d+) failed or dead, (\d+) cancelled</g)];
    const sum = (i: number) => minutes.reduce((n, m) => n + Number(m[i]), 0);
    assert.deepEqual([sum(1), sum(2), sum(3)], [1, 1, 0]);
    await handler.close();
  });

  it("lists a queue's jobs of one state, 25 a page, with a link to the next page", async () => {
    const later = new Date(Date.now() + 3_600_000);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push(
        (await producer.enqueueJob("later", { queue: "paging", args: [i], deferUntil: later })).id,
      );
    }
    const client = new DashboardClient(dashboard({ producer }));
    const first = await client.page("/queues/paging?state=deferred");
    const rowIds = (page: string) =>
      [...page.matchAll(/<tr data-job="([^"]+)">/g)].map((m) => m[1]);
    assert.equal(rowIds(first).length, 25);
    const next = /<a class="button" rel="next" href="([^"]+)">/.exec(first)?.[1];
    assert.ok(next, "a link to the next page");
    const second = await client.page(next.replace(/&amp;/g, "&"));
    assert.equal(rowIds(second).length, 5);
    assert.doesNotMatch(second, /rel="next"/);
    assert.deepEqual([...rowIds(first), ...rowIds(second)].sort(), [...ids].sort());
  });

  it("acts on a job from its page's forms: Run now, then Remove (back to the queue)", async () => {
    const later = new Date(Date.now() + 3_600_000);
    const job = await producer.enqueueJob("later", { queue: "ops", args: [1], deferUntil: later });
    const client = new DashboardClient(dashboard({ producer }));
    const forms = formsOf(await client.page(`/queues/ops/jobs/${job.id}`));
    assert.deepEqual(forms.map((f) => f.label), ["Run now", "Cancel", "Remove"]);
    const promoted = await client.post(forms[0].action, forms[0].fields);
    assert.equal(promoted.status, 303);
    assert.match(promoted.headers.get("location") ?? "", /notice=[^&]+\+runs\+now\./);
    const dueAt = (await job.info())?.dueAt ?? Infinity; // due now: the next fetch takes it
    assert.ok(dueAt <= Date.now(), `due at ${dueAt}`);
    const remove = formsOf(await client.page(`/queues/ops/jobs/${job.id}`))
      .find((f) => f.label === "Remove");
    assert.ok(remove);
    const removed = await client.post(remove.action, remove.fields);
    assert.equal(removed.status, 303);
    assert.match(removed.headers.get("location") ?? "", /^\/queues\/ops\?notice=Removed\+/);
    assert.equal(await job.status(), null);
  });

  it("removes every job of a state from the queue page's form, and says how many", async () => {
    for (let i = 0; i < 3; i++) await producer.enqueueJob("later", { queue: "purging", args: [i] });
    const client = new DashboardClient(dashboard({ producer }));
    const purge = formsOf(await client.page("/queues/purging?state=queued"))
      .find((f) => f.label === "Remove all queued");
    assert.ok(purge, "a Remove all queued form");
    assert.equal(purge.fields.state, "queued");
    const response = await client.post(purge.action, purge.fields);
    const notice = new URL(response.headers.get("location") ?? "", "http://x").searchParams
      .get("notice");
    assert.equal(notice, "Removed 3 queued jobs of purging.");
    assert.equal((await producer.queue("purging").counts()).queued, 0);
  });

  it("rejects bad options with a TypeError naming the option", () => {
    assert.throws(() => dashboard({}), /give a producer or a redis client or URL/);
    assert.throws(() => dashboard({ producer, basePath: "admin" }), /basePath must be/);
    assert.throws(() => dashboard({ producer, readOnly: "yes" as never }), /readOnly must be/);
    assert.throws(() => dashboard({ producer, secret: "short" }), /secret must be/);
    assert.throws(() => dashboard({ producer, redis: store }), /either producer or redis/);
  });

  it("is served by nodeListener over node:http, cookies and forms included", async () => {
    const server = createServer(nodeListener(dashboard({ producer })));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as { port: number };
    const origin = `http://127.0.0.1:${port}`;
    try {
      const client = new DashboardClient((request) => fetch(request), origin);
      const pause = formsOf(await client.page("/schedules")).find((f) => f.label === "Pause");
      assert.ok(pause);
      assert.match(client.cookie, /^repid_dashboard_csrf=/);
      const response = await fetch(origin + pause.action, {
        method: "POST",
        redirect: "manual",
        headers: {
          cookie: client.cookie,
          origin,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams(pause.fields).toString(),
      });
      assert.equal(response.status, 303);
      await response.body?.cancel();
      assert.equal((await producer.schedules())[0].status, "paused");
      await (await producer.getSchedule("hourly"))?.resume();
    } finally {
      server.close();
      await once(server, "close");
    }
  });

  it("requeues every failed job of a queue from the queue page's form, and says how many", async () => {
    const client = new DashboardClient(dashboard({ producer }));
    const requeue = formsOf(await client.page("/queues/default?state=failed"))
      .find((f) => f.label === "Requeue all failed");
    assert.ok(requeue, "a Requeue all failed form");
    const response = await client.post(requeue.action, requeue.fields);
    const notice = new URL(response.headers.get("location") ?? "", "http://x").searchParams
      .get("notice");
    assert.equal(notice, "Requeued 1 failed job of default.");
  });

  it("shows a schedule's rule, next run and last result, and cancels it from its form", async () => {
    const client = new DashboardClient(dashboard({ producer }));
    const schedule = await producer.enqueueJob("echo", {
      jobId: "digest",
      deferBy: hours(2),
      args: ["weekly digest"],
    });
    const first = await schedule.nextJob();
    assert.ok(first);
    // Its occurrence runs now, from the occurrence's page; the next one is made.
    const runNow = formsOf(await client.page(`/queues/default/jobs/${first.id}`))
      .find((f) => f.label === "Run now");
    assert.ok(runNow, "a Run now form");
    assert.equal((await client.post(runNow.action, runNow.fields)).status, 303);
    assert.equal((await first.result).status, "done");
    const row = (page: string) =>
      /<tr\s+data-schedule="digest">[\s\S]*?<\/tr>/.exec(page)?.[0] ?? "";
    const page = await client.page("/schedules");
    const digest = row(page);
    assert.match(digest, /<td>every 2 h 0 min<\/td>/);
    assert.match(digest, /title="[^"]+ UTC">in (1 h 59|2 h 0) min</, "the next run");
    assert.match(digest, /state-done[\s\S]*&quot;echoed&quot;:&quot;weekly digest&quot;/);
    const cancel = formsOf(digest).find((f) => f.label === "Cancel");
    assert.ok(cancel, "a Cancel form");
    assert.equal(cancel.action, "/schedules/default/digest/cancel");
    const response = await client.post(cancel.action, cancel.fields);
    assert.equal(response.status, 303);
    assert.equal(await schedule.info(), null);
    assert.equal(row(await client.page("/schedules")), "");
  });
});
