/**
 * The page shell every dashboard page shares (header, navigation, the
 * stylesheet and script links), the forms of actions and the state badges.
 *
 * @module
 */

import { CSRF_FIELD } from "./csrf.ts";
import { attr, type Html, markup } from "./html.ts";

/** What a page is rendered with, per request. */
export interface PageContext {
  /** The dashboard's base path (`""` at the root, else `/admin/jobs`). */
  base: string;
  /** Whether actions are hidden (and refused). */
  readOnly: boolean;
  /** The CSRF token the forms carry. */
  csrfToken: string;
  /** The current time (epoch ms). */
  now: number;
  /** The path and query of this page (where actions return to). */
  here: string;
  /** The title in the header. */
  title: string;
  /** What the last action did (text), shown at the top. */
  notice?: string;
}

/** The dashboard's sections, in the header. */
export type Section = "overview" | "schedules" | "workers";

/** A path under the dashboard: `href(ctx, "queues", name)` → `/base/queues/<name>`. */
export function href(ctx: { base: string }, ...segments: string[]): string {
  return `${ctx.base}/${segments.map(encodeURIComponent).join("/")}`;
}

/** A path with a query string (entries whose value is `undefined` are left out). */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, v);
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

/** Options of {@linkcode actionForm}. */
export interface ActionFormOptions {
  /** Extra hidden fields. @default {} */
  fields?: Record<string, string>;
  /** Ask before posting. @default undefined */
  confirm?: string;
  /** The button's look. @default "plain" */
  kind?: "plain" | "primary" | "danger";
  /** Where to return after the action. @default {this page} */
  back?: string;
}

/**
 * A POST form with one button for an action at `path`, carrying the CSRF
 * token and where to return; nothing on a read-only dashboard.
 */
export function actionForm(
  ctx: PageContext,
  path: string,
  label: string,
  options: ActionFormOptions = {},
): Html {
  if (ctx.readOnly) return markup``;
  const back = options.back ?? ctx.here;
  const fields = Object.entries({ [CSRF_FIELD]: ctx.csrfToken, ...options.fields, back })
    .map(([name, value]) => markup`<input type="hidden" name="${name}" value="${value}">`);
  const kind = options.kind && options.kind !== "plain" ? options.kind : undefined;
  return markup`<form class="inline" method="post" action="${path}"${
    attr("data-confirm", options.confirm)
  }>${fields}<button type="submit"${attr("class", kind)}>${label}</button></form>`;
}

/** A coloured badge for a job, queue or schedule state. */
export function stateBadge(state: string, label: string = state.replace("_", " ")): Html {
  return markup`<span class="badge state-${state.replace(/[^a-z_]/g, "")}">${label}</span>`;
}

/** Options of {@linkcode layout}. */
export interface LayoutOptions {
  /** The page's title (text). */
  title: string;
  /** The highlighted section. */
  section: Section;
  /** The page's content. */
  body: Html;
  /** A notice at the top (text), e.g. what an action did. @default undefined */
  notice?: string;
}

/** A whole page. */
export function layout(ctx: PageContext, options: LayoutOptions): string {
  const notice = options.notice ?? ctx.notice;
  const nav = (section: Section, path: string, label: string) =>
    markup`<a href="${path}"${
      attr("aria-current", options.section === section && "page")
    }>${label}</a>`;
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · ${ctx.title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ctx.base}/assets/dashboard.css">
<script src="${ctx.base}/assets/dashboard.js" defer></script>
</head>
<body data-base="${ctx.base}">
<header class="top">
<a class="brand" href="${ctx.base}/">${ctx.title}</a>
<nav>${nav("overview", `${ctx.base}/`, "Queues")}${
    nav("schedules", `${ctx.base}/schedules`, "Schedules")
  }${nav("workers", `${ctx.base}/workers`, "Workers")}</nav>
<span class="mode">${ctx.readOnly ? "read-only" : ""}</span>
</header>
<main>
${notice ? markup`<div class="notice" role="status">${notice}</div>` : ""}
${options.body}
</main>
<footer>Repid dashboard</footer>
</body>
</html>
`.value;
}
