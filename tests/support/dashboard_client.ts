/**
 * Test support for the dashboard's handler without a browser: a client that
 * keeps the CSRF cookie like a browser and posts a page's forms.
 */
import assert from "node:assert/strict";

/** A browser-like client of one dashboard handler. */
export class DashboardClient {
  cookie = "";

  constructor(
    readonly handler: (request: Request) => Promise<Response>,
    readonly origin = "http://dash.test",
  ) {}

  /** GETs `path` and keeps the cookie it sets. */
  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const response = await this.handler(
      new Request(this.origin + path, {
        headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...headers },
      }),
    );
    const set = response.headers.get("set-cookie");
    if (set) this.cookie = set.split(";")[0];
    return response;
  }

  /** GETs a page and returns its HTML (asserting 200). */
  async page(path: string): Promise<string> {
    const response = await this.get(path);
    assert.equal(response.status, 200, `GET ${path}: ${response.status}`);
    return await response.text();
  }

  /** POSTs a form (with this client's cookie and a same-origin browser's headers). */
  post(
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = { "sec-fetch-site": "same-origin", origin: this.origin },
  ): Promise<Response> {
    return this.handler(
      new Request(this.origin + path, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          ...(this.cookie ? { cookie: this.cookie } : {}),
          ...headers,
        },
        body: new URLSearchParams(fields).toString(),
      }),
    );
  }
}

/** A POST form of a page. */
export interface PageForm {
  /** Its button's label. */
  label: string;
  /** Where it posts. */
  action: string;
  /** Its hidden fields. */
  fields: Record<string, string>;
}

/** The POST forms of a page, in page order. */
export function formsOf(page: string): PageForm[] {
  const out: PageForm[] = [];
  for (
    const m of page.matchAll(/<form[^>]*method="post"[^>]*\saction="([^"]*)"[^>]*>(.*?)<\/form>/gs)
  ) {
    const fields: Record<string, string> = {};
    for (const f of m[2].matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
      fields[unescape(f[1])] = unescape(f[2]);
    }
    const label = unescape(/<button[^>]*>(.*?)<\/button>/s.exec(m[2])?.[1] ?? "");
    out.push({ label, action: unescape(m[1]), fields });
  }
  return out;
}

function unescape(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/&#96;/g, "`").replace(/&amp;/g, "&");
}
