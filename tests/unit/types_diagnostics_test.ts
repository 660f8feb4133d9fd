/**
 * What TypeScript says about a wrong argument to the typed producer: the
 * error must name the argument, not the actor. `deno check` runs on a file
 * written for the test (a fixture in the tree would break `deno task check`).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { ROOT, runDeno, within } from "../support/subprocess.ts";

const MOD = pathToFileURL(join(ROOT, "mod.ts")).href;

/** The diagnostics of `deno check` on `source`. */
async function diagnostics(source: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "repid-types-"));
  try {
    const file = join(dir, "wrong_argument.ts");
    writeFileSync(file, source);
    const run = runDeno(["check", "--quiet", file]);
    await within(run.exited, 120_000, "deno check");
    return run.stdout() + run.stderr(); // NO_COLOR is set by runDeno
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a wrong argument to `enqueueJob()` is reported at the argument, by name and by definition", async () => {
  const out = await diagnostics(`
import { defineActor, type Repid } from "${MOD}";
const stringLength = defineActor(async function string_length(s: string) {
  return s.length;
});
const actors = { string_length: stringLength };
export async function byName(producer: Repid<typeof actors>) {
  await producer.enqueueJob("string_length", { args: [42] });
}
export async function byDefinition(producer: Repid) {
  await producer.enqueueJob(stringLength, { args: [42] });
}
`);
  const errors = out.split(/TS\d+ \[ERROR\]/).slice(1).filter((e) => /No overload/.test(e));
  assert.equal(errors.length, 2, out);
  for (const error of errors) {
    assert.match(error, /Type 'number' is not assignable to type 'string'/, out);
    assert.doesNotMatch(error, /not assignable to parameter of type 'ActorDefinition/, out);
    // The squiggle is under `42`: two carets, at the column of the argument.
    const [code, marks] = error.split("\n").filter((l) => /args: \[42\]|^\s*~+\s*$/.test(l));
    assert.equal(marks.indexOf("~"), code.indexOf("42"), error);
    assert.equal(marks.trim(), "~~", error);
  }
});
