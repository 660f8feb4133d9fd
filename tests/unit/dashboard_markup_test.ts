/**
 * The dashboard's pure helpers: the escaping template tag and attributes,
 * the CSRF tokens and cookie parsing, the throughput chart, the formats.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CsrfTokens, readCookie } from "../../src/dashboard/csrf.ts";
import { formatDuration, formatRelative, formatTime } from "../../src/dashboard/format.ts";
import { attr, escapeHtml, markup } from "../../src/dashboard/html.ts";
import { sumByMinute, throughputChart } from "../../src/dashboard/throughput_chart.ts";

describe("markup", () => {
  it("escapes every value and keeps its own literal parts", () => {
    const value = `<img src=x onerror=alert(1)> & "quoted" 'single' \`tick\``;
    assert.equal(
      markup`<td title="${value}">${value}</td>`.value,
      '<td title="&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot; &#39;single&#39; &#96;tick&#96;">' +
        "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot; &#39;single&#39; &#96;tick&#96;</td>",
    );
  });

  it("inserts nested markup as it is, arrays item by item, and nothing for null, undefined, false", () => {
    const items = ["<a>", "<b>"].map((x) => markup`<li>${x}</li>`);
    assert.equal(
      markup`<ul>${items}${null}${undefined}${false}${0}</ul>`.value,
      "<ul><li>&lt;a&gt;</li><li>&lt;b&gt;</li>0</ul>",
    );
  });

  it("`escapeHtml` leaves no character that opens a tag, an entity or ends an attribute", () => {
    assert.doesNotMatch(
      escapeHtml(`</script><script>"'&\``),
      /[<>"'`]|&(?!(lt|gt|quot|amp|#39|#96);)/,
    );
  });
});

describe("attr", () => {
  it('writes ` name="value"` escaped, ` name` for true and nothing for false or undefined', () => {
    assert.equal(attr("data-x", `"><script>`).value, ' data-x="&quot;&gt;&lt;script&gt;"');
    assert.equal(attr("hidden", true).value, " hidden");
    assert.equal(attr("hidden", false).value, "");
    assert.equal(attr("title", undefined).value, "");
  });
});

describe("CsrfTokens", () => {
  it("accepts the token of the cookie it was made for, under the same secret only", async () => {
    const tokens = new CsrfTokens("a-secret-of-some-length");
    const cookie = "c".repeat(43);
    const token = await tokens.token(cookie);
    assert.equal(await tokens.verify(cookie, token), true);
    assert.equal(await tokens.verify("d".repeat(43), token), false);
    assert.equal(await tokens.verify(cookie, token.slice(1)), false);
    assert.equal(await tokens.verify(cookie, null), false);
    assert.equal(await tokens.verify(undefined, token), false);
    assert.equal(await new CsrfTokens("another-secret-entirely").verify(cookie, token), false);
  });

  it("`readCookie` finds one cookie among several", () => {
    assert.equal(readCookie("a=1; repid=xyz; b=2", "repid"), "xyz");
    assert.equal(readCookie("a=1", "repid"), undefined);
    assert.equal(readCookie(null, "repid"), undefined);
  });
});

describe("throughputChart", () => {
  it("stacks done, failed or dead, and cancelled per minute, scaled to the busiest minute", () => {
    const at = Date.UTC(2026, 0, 1, 12, 0);
    const svg = throughputChart([
      { at, done: 10, failed: 0, dead: 0, cancelled: 0 },
      { at: at + 60_000, done: 5, failed: 2, dead: 1, cancelled: 2 },
    ]).value;
    assert.equal((svg.match(/class="bar-done"/g) ?? []).length, 2);
    assert.match(svg, /<title>12:00 UTC: 10 done, 0 failed or dead, 0 cancelled<\/title>/);
    assert.match(svg, /<title>12:01 UTC: 5 done, 3 failed or dead, 2 cancelled<\/title>/);
    const heights = [...svg.matchAll(/class="bar-done"[^>]*height="([\d.]+)"/g)].map((m) =>
      Number(m[1])
    );
    assert.equal(heights[0], heights[1] * 2);
  });

  it("`sumByMinute` adds the queues' minutes up, minute by minute", () => {
    const m = (at: number, done: number) => ({ at, done, failed: 1, dead: 0, cancelled: 0 });
    assert.deepEqual(sumByMinute([[m(0, 1), m(60_000, 2)], [m(60_000, 3)]]), [
      { at: 0, done: 1, failed: 1, dead: 0, cancelled: 0 },
      { at: 60_000, done: 5, failed: 2, dead: 0, cancelled: 0 },
    ]);
  });
});

describe("formatDuration", () => {
  it("writes milliseconds, seconds, minutes, hours and days", () => {
    assert.equal(formatDuration(850), "850 ms");
    assert.equal(formatDuration(1_234), "1.23 s");
    assert.equal(formatDuration(12_400), "12.4 s");
    assert.equal(formatDuration(185_000), "3 min 5 s");
    assert.equal(formatDuration(7_800_000), "2 h 10 min");
    assert.equal(formatDuration(273_600_000), "3 d 4 h");
  });

  it("`formatRelative` and `formatTime` write a time against now, and UTC", () => {
    assert.equal(formatRelative(1_000, 6_000), "5.00 s ago");
    assert.equal(formatRelative(10_000, 5_000), "in 5.00 s");
    assert.equal(formatRelative(null, 5_000), "—");
    assert.equal(formatTime(Date.UTC(2026, 11, 1, 11, 22, 1, 500)), "2026-12-01 11:22:01 UTC");
  });
});
