/** `scripts/check_docs.ts`: the documentation rules of the public API, checked by a tool. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { spawnSync } from "node:child_process";

function checkDocs(...entries: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, ["run", "-A", "scripts/check_docs.ts", ...entries], {
    encoding: "utf8",
  });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe("scripts/check_docs.ts", () => {
  it("fails on an export without JSDoc or @example, a member without JSDoc, an option without @default", () => {
    const { status, output } = checkDocs("tests/unit/fixtures/docs_missing.ts");
    assert.equal(status, 1, output);
    assert.match(output, /export noExample has no @example/);
    assert.match(output, /export noDoc has no JSDoc/);
    assert.match(output, /option ThingOptions\.size has no @default/);
    assert.doesNotMatch(output, /ThingOptions\.count/);
    assert.match(output, /Thing\.size has no JSDoc/);
    assert.match(output, /4 problem\(s\)/);
  });

  it("passes on the public API of mod.ts and testing.ts", () => {
    const { status, output } = checkDocs();
    assert.equal(status, 0, output);
  });
});
