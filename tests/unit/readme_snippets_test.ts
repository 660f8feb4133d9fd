/**
 * The README's TypeScript and JavaScript code blocks compile as shown
 * (`ts ignore` blocks excepted): each becomes its own module and one
 * `deno check` checks them all, the JavaScript ones with `// @ts-check`.
 * `"repid"` (the npm name) and `"@repid/repid"` resolve to this package;
 * `./actors.ts` to `examples/actors.ts`. Blocks that continue the Quick
 * start (`worker.actor(…)`, `producer.enqueueJob(…)`, `job.waitResult(…)`)
 * may use its `worker`, `producer` and `job` without declaring them.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { ROOT, runDeno, within } from "../support/subprocess.ts";

interface Snippet {
  /** The README line of the opening fence. */
  line: number;
  lang: "ts" | "js";
  code: string;
}

/** The README's `ts` and `js` blocks, `ts ignore` excepted. */
export function readmeSnippets(markdown: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|js)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, lang, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && lines[j].trim() !== "```"; j++) {
      body.push(lines[j].slice(indent.length));
    }
    if (!/\bignore\b/.test(info)) {
      out.push({ line: i + 1, lang: lang as "ts" | "js", code: body.join("\n") });
    }
    i = j;
  }
  return out;
}

/** Declarations for the Quick start's names a block uses without declaring. */
function prelude(code: string, lang: "ts" | "js"): string {
  const names: [string, string][] = [
    ["worker", "Worker"],
    ["producer", "Repid"],
    ["job", "Job<number>"],
  ];
  const lines: string[] = [];
  for (const [name, type] of names) {
    const used = new RegExp(`(^|[^.\\w])${name}\\.`).test(code);
    const declared = new RegExp(`\\b(const|let|var|function)\\s+${name}\\b`).test(code);
    if (!used || declared) continue;
    lines.push(
      lang === "ts"
        ? `declare const ${name}: import("@repid/repid").${type};`
        : `/** @type {import("@repid/repid").${type}} */\nconst ${name} = /** @type {any} */ (null);`,
    );
  }
  return lines.join("\n");
}

test("every ts and js block of the README compiles as shown", async () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const snippets = readmeSnippets(readme);
  assert.ok(snippets.length >= 10, `found ${snippets.length} blocks`);
  const dir = join(ROOT, `.readme-snippets-${crypto.randomUUID().slice(0, 8)}`);
  mkdirSync(dir);
  try {
    const actors = relative(dir, join(ROOT, "examples", "actors.ts")).replaceAll("\\", "/");
    const files = snippets.map((s) => {
      const file = join(dir, `readme_line_${s.line}.${s.lang === "ts" ? "ts" : "mjs"}`);
      const code = s.code
        .replace(/from "repid"/g, 'from "@repid/repid"')
        .replace(/"\.\/actors\.ts"/g, JSON.stringify(actors));
      const head = s.lang === "js" ? "// @ts-check\n" : "";
      // The prelude goes last: declarations are hoisted, and line numbers stay the README's.
      writeFileSync(file, `${head}${code}\n${prelude(code, s.lang)}\nexport {};\n`);
      return file;
    });
    const run = runDeno(["check", "--quiet", ...files]);
    const { code } = await within(run.exited, 180_000, "deno check of the README's blocks");
    const out = (run.stdout() + run.stderr()).replaceAll(dir, "README.md");
    assert.equal(code, 0, out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
