/**
 * `dashboard(options)`: the built-in dashboard as one Fetch-API handler
 * `(request: Request) => Promise<Response>`, for `Deno.serve`, Bun, Hono or
 * (through {@linkcode nodeListener}) `node:http`. Routing, the security
 * checks and the reads of each page; the pages render themselves.
 *
 * @module
 */

import type { RedisInput } from "../backend/redis/connection.ts";
import { JobNotFoundError, QueueNotFoundError, RepidError } from "../errors.ts";
import type { Repid } from "../producer/repid.ts";
import { type ActionTarget, runAction, UnknownActionError } from "./actions.ts";
import { DASHBOARD_CSS } from "./assets_css.ts";
import { DASHBOARD_SCRIPT } from "./assets_script.ts";
import {
  crossSiteReason,
  CSRF_COOKIE,
  CSRF_FIELD,
  CsrfTokens,
  randomToken,
  readCookie,
} from "./csrf.ts";
import { jobStamp, renderJobPage } from "./job_page.ts";
import { href, type PageContext } from "./layout.ts";
import { QUEUE_STATES, type QueueState } from "../core/queue_state.ts";
import { jobActions, queueActions } from "./page_actions.ts";
import { type QueueRow, renderOverviewPage } from "./overview_page.ts";
import { renderQueuePage } from "./queue_page.ts";
import { errorPage, json, redirect, respond } from "./responses.ts";
import { renderSchedulesPage, type ScheduleRow } from "./schedules_page.ts";
import { openSource } from "./source.ts";
import { renderWorkersPage } from "./workers_page.ts";

/** Options of {@linkcode dashboard}. */
export interface DashboardOptions {
  /**
   * The application's producer, which the dashboard reads and acts through
   * (never closed by it).
   * @default {undefined (give `redis` instead)}
   */
  producer?: Repid;
  /**
   * A Redis client or URL (or `memory://name`) for a producer the dashboard
   * opens itself, and closes in `close()`.
   * @default {undefined (give `producer` instead)}
   */
  redis?: RedisInput;
  /**
   * The key prefix, with `redis`.
   * @default {"repid"}
   */
  prefix?: string;
  /**
   * The path the dashboard is mounted at, such as `/admin/jobs`; every
   * link and form is under it, and requests outside it get 404.
   * @default {"" (the root)}
   */
  basePath?: string;
  /**
   * Hide every action and refuse every POST with 403.
   * @default {false}
   */
  readOnly?: boolean;
  /**
   * Runs before every request: `true` lets it through, `false` answers 403,
   * a `Response` is answered as it is (for example a 401 asking for basic
   * auth). Authentication of a mounted dashboard is the application's job.
   * @default {undefined (every request is let through)}
   */
  authorize?: (request: Request) => boolean | Response | Promise<boolean | Response>;
  /**
   * The secret the CSRF tokens are signed with; give the same one to every
   * instance behind one load balancer.
   * @default {a random secret per dashboard}
   */
  secret?: string;
  /**
   * Queues to show even while no worker serves them.
   * @default {[]}
   */
  queues?: readonly string[];
  /**
   * The name in the header and the page titles.
   * @default {"Repid"}
   */
  title?: string;
}

/** The handler {@linkcode dashboard} returns. */
export interface DashboardHandler {
  /** Answers one request. */
  (request: Request): Promise<Response>;
  /** Closes the producer the dashboard opened (with `redis`); nothing with `producer`. */
  close(): Promise<void>;
}

const ACTION = "Cannot create dashboard";
const MAX_FORM_BYTES = 16 * 1024;
/** Jobs per page of a queue. */
const PAGE_SIZE = 25;

function assertBasePath(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value !== "string" || (value !== "" && !/^\/[^?#\s]*$/.test(value))) {
    throw new TypeError(
      `${ACTION}: basePath must be "" or a path starting with "/", got ${JSON.stringify(value)}`,
    );
  }
  return value.replace(/\/+$/, "");
}

/** The path segments after the base, decoded; `null` when outside it or malformed. */
function segmentsOf(pathname: string, base: string): string[] | null {
  if (pathname !== base && !pathname.startsWith(`${base}/`)) return null;
  try {
    return pathname.slice(base.length).split("/").filter((s) => s !== "").map(decodeURIComponent);
  } catch {
    return null;
  }
}

/** A safe place to return to after an action: a path under the base, else the base. */
function backTo(value: string | null, base: string): string {
  if (value && value.startsWith(`${base}/`) && !value.startsWith("//") && !/[\\\s]/.test(value)) {
    return value;
  }
  return `${base}/`;
}

function actionTarget(segments: string[]): ActionTarget | null {
  const [a, b, c, d, e, f] = segments;
  if (a === "schedules" && segments.length === 4) {
    return { kind: "schedule", queue: b, id: c, verb: d };
  }
  if (a === "queues" && segments.length === 3) return { kind: "queue", queue: b, verb: c };
  if (a === "queues" && c === "jobs" && segments.length === 5 && f === undefined) {
    return { kind: "job", queue: b, id: d, verb: e };
  }
  return null;
}

/**
 * The built-in dashboard as a Fetch-API handler: an overview of the queues,
 * each queue's jobs, a job's page, the schedules and the workers, and the
 * actions on them as POSTs guarded against cross-site requests. Mount it in
 * your server under `basePath`; its authentication is your application's
 * job (`authorize`).
 *
 * @example Deno.serve
 * ```ts ignore
 * import { dashboard } from "@repid/repid/dashboard";
 *
 * const handler = dashboard({ redis: "redis://127.0.0.1:6379", basePath: "/jobs" });
 * Deno.serve({ port: 8080 }, handler);
 * ```
 *
 * @example A request answered directly
 * ```ts
 * import { Repid } from "@repid/repid";
 * import { dashboard } from "@repid/repid/dashboard";
 *
 * const producer = new Repid("memory://");
 * const handler = dashboard({ producer, readOnly: true });
 * const response = await handler(new Request("http://localhost/workers"));
 * console.log(response.status); // 200
 * await handler.close();
 * await producer.close();
 * ```
 */
export function dashboard(options: DashboardOptions): DashboardHandler {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${ACTION}: expected an options object, got ${options}`);
  }
  const base = assertBasePath(options.basePath);
  const readOnly = options.readOnly ?? false;
  if (typeof readOnly !== "boolean") {
    throw new TypeError(`${ACTION}: readOnly must be a boolean, got ${readOnly}`);
  }
  const authorize = options.authorize;
  if (authorize !== undefined && typeof authorize !== "function") {
    throw new TypeError(`${ACTION}: authorize must be a function, got ${typeof authorize}`);
  }
  if (
    options.secret !== undefined &&
    (typeof options.secret !== "string" || options.secret.length < 16)
  ) {
    throw new TypeError(`${ACTION}: secret must be a string of at least 16 characters`);
  }
  const title = options.title ?? "Repid";
  const source = openSource(options, ACTION);
  const csrf = new CsrfTokens(options.secret ?? randomToken());

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const segments = segmentsOf(url.pathname, base);
    if (segments === null) return errorPage(404, "Not Found", "This is not a dashboard page.");
    if (authorize) {
      const verdict = await authorize(request);
      if (verdict instanceof Response) return verdict;
      if (verdict !== true) return errorPage(403, "Forbidden", "Not authorized.");
    }
    try {
      if (request.method === "POST") return await post(request, segments);
      if (request.method !== "GET" && request.method !== "HEAD") {
        return respond("Method Not Allowed", 405, "text/plain; charset=utf-8", {
          allow: "GET, HEAD, POST",
        });
      }
      return await get(request, url, segments);
    } catch (error) {
      if (error instanceof TypeError || error instanceof RangeError) {
        return errorPage(400, "Bad Request", error.message);
      }
      if (error instanceof QueueNotFoundError || error instanceof JobNotFoundError) {
        return errorPage(404, "Not Found", error.message);
      }
      if (error instanceof RepidError) return errorPage(503, "Store Error", error.message);
      throw error;
    }
  };

  const get = async (request: Request, url: URL, segments: string[]): Promise<Response> => {
    if (url.pathname === base) return redirect(`${base}/`);
    const [a, b, c, d, e] = segments;
    if (a === "assets" && segments.length === 2) {
      if (b === "dashboard.css") {
        return respond(DASHBOARD_CSS, 200, "text/css; charset=utf-8", {
          "cache-control": "public, max-age=300",
        });
      }
      if (b === "dashboard.js") {
        return respond(DASHBOARD_SCRIPT, 200, "text/javascript; charset=utf-8", {
          "cache-control": "public, max-age=300",
        });
      }
    }
    if (a === "api") {
      if (b === "counts" && segments.length === 2) return json({ queues: await countsByQueue() });
      if (b === "queues" && d === "jobs" && segments.length === 5) {
        const info = await (await source.producer.getJob(e, { queue: c }))?.info();
        if (!info) return json({ error: "not found" }, 404);
        return json({ status: info.status, stamp: jobStamp(info) });
      }
      return json({ error: "not found" }, 404);
    }

    // The pages: each carries the CSRF token of the browser's cookie (set here when missing).
    let cookie = readCookie(request.headers.get("cookie"), CSRF_COOKIE);
    const setCookie: Record<string, string> = {};
    if (!cookie || cookie.length < 16 || !/^[\w-]+$/.test(cookie)) {
      cookie = randomToken();
      const secure = url.protocol === "https:" ? "; Secure" : "";
      setCookie["set-cookie"] = `${CSRF_COOKIE}=${cookie}; Path=${
        base || "/"
      }; HttpOnly; SameSite=Strict${secure}`;
    }
    const ctx: PageContext = {
      base,
      readOnly,
      csrfToken: await csrf.token(cookie),
      now: Date.now(),
      here: url.pathname + url.search,
      title,
      notice: url.searchParams.get("notice") ?? undefined,
    };
    const page = (body: string) => respond(body, 200, "text/html; charset=utf-8", setCookie);

    if (segments.length === 0) {
      const [queues, workers] = await Promise.all([queueRows(), source.workers()]);
      return page(renderOverviewPage(ctx, { queues, workers, throughput: null }));
    }
    if (a === "workers" && segments.length === 1) {
      return page(renderWorkersPage(ctx, await source.workers()));
    }
    if (a === "schedules" && segments.length === 1) return page(await schedulesPage(ctx));
    if (a === "queues" && segments.length === 2) {
      const id = url.searchParams.get("id")?.trim();
      if (id) {
        const job = await source.producer.getJob(id, { queue: b }).catch((error) => {
          if (error instanceof TypeError || error instanceof RangeError) return null;
          throw error;
        });
        if (job) return redirect(href(ctx, "queues", b, "jobs", id));
      }
      const state = url.searchParams.get("state") || "queued";
      if (!(QUEUE_STATES as readonly string[]).includes(state)) {
        throw new TypeError(
          `Unknown state ${JSON.stringify(state)}: expected one of ${QUEUE_STATES.join(", ")}`,
        );
      }
      const cursor = url.searchParams.get("cursor") ?? undefined;
      const queue = await source.queue(b);
      const listing = queue.counts
        ? await source.producer.queue(b).jobs({
          state: state as QueueState,
          limit: PAGE_SIZE,
          cursor,
        })
        : { jobs: [] };
      return page(renderQueuePage(ctx, {
        queue,
        state,
        listing,
        actions: queue.counts ? queueActions(ctx, queue, state) : [],
        notice: id ? `No job ${id} in ${b}.` : undefined,
      }));
    }
    if (a === "queues" && c === "jobs" && segments.length === 4) {
      const info = await (await source.producer.getJob(d, { queue: b }))?.info();
      if (!info) return errorPage(404, "Not Found", `No job ${d} in queue ${b}.`);
      return page(renderJobPage(ctx, { info, actions: jobActions(ctx, info) }));
    }
    return errorPage(404, "Not Found", "This is not a dashboard page.");
  };

  const post = async (request: Request, segments: string[]): Promise<Response> => {
    if (readOnly) return errorPage(403, "Forbidden", "This dashboard is read-only.");
    const crossSite = crossSiteReason(request);
    if (crossSite) return errorPage(403, "Forbidden", `Cross-site request refused: ${crossSite}.`);
    const type = request.headers.get("content-type") ?? "";
    if (!type.startsWith("application/x-www-form-urlencoded")) {
      return errorPage(415, "Unsupported Media Type", "Actions are posted as forms.");
    }
    const text = await request.text();
    if (text.length > MAX_FORM_BYTES) return errorPage(413, "Payload Too Large", "Form too large.");
    const form = new URLSearchParams(text);
    const cookie = readCookie(request.headers.get("cookie"), CSRF_COOKIE);
    if (!(await csrf.verify(cookie, form.get(CSRF_FIELD)))) {
      return errorPage(
        403,
        "Forbidden",
        "The form's CSRF token is missing or wrong: reload the page.",
      );
    }
    const target = actionTarget(segments);
    if (!target) return errorPage(404, "Not Found", "No such action.");
    let notice: string;
    try {
      notice = await runAction(source, target, form);
    } catch (error) {
      if (error instanceof UnknownActionError) return errorPage(404, "Not Found", error.message);
      throw error;
    }
    const back = backTo(form.get("back"), base);
    const [path, query = ""] = back.split("?");
    const params = new URLSearchParams(query);
    params.set("notice", notice);
    return redirect(`${path}?${params}`);
  };

  const queueRows = (): Promise<QueueRow[]> => source.queues();

  const countsByQueue = async () => {
    const out: Record<string, { paused: boolean | null; counts: Record<string, number> | null }> =
      {};
    for (const q of await queueRows()) out[q.name] = { paused: q.paused, counts: q.counts };
    return out;
  };

  const schedulesPage = async (ctx: PageContext) => {
    const rows: ScheduleRow[] = [];
    for (const { name: queue } of await source.queues()) {
      for (const info of await source.producer.schedules({ queue })) {
        const schedule = await source.producer.getSchedule(info.id, { queue });
        rows.push({ info, latest: (await schedule?.latestResult()) ?? null });
      }
    }
    rows.sort((x, y) => (x.info.nextRunAt ?? Infinity) - (y.info.nextRunAt ?? Infinity));
    return renderSchedulesPage(ctx, rows);
  };

  return Object.assign(handler, { close: () => source.close() });
}
