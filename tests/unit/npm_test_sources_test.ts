import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rewriteTestSource, UnmappedImportError } from "../../scripts/npm_test_sources.ts";
import { rewriteModuleUrls } from "../../scripts/build_npm.ts";

describe("rewriteTestSource()", () => {
  it("turns imports of mod.ts into the package name and keeps test imports", () => {
    const source = [
      'import { Repid, type Job } from "../../mod.ts";',
      "import { backends } from '../support/harness.ts';",
      'import assert from "node:assert/strict";',
      'import { Redis } from "ioredis";',
      'export * from "../../mod.ts";',
    ].join("\n");
    assert.equal(
      rewriteTestSource(source, "tests/integration/a_test.ts"),
      [
        'import { Repid, type Job } from "repid";',
        "import { backends } from '../support/harness.ts';",
        'import assert from "node:assert/strict";',
        'import { Redis } from "ioredis";',
        'export * from "repid";',
      ].join("\n"),
    );
  });

  it("turns imports of other exported modules into the package's subpath exports", () => {
    assert.equal(
      rewriteTestSource(
        'import { memoryHarness } from "../../testing.ts";',
        "tests/integration/a_test.ts",
        { entries: { "mod.ts": "repid", "testing.ts": "repid/testing" } },
      ),
      'import { memoryHarness } from "repid/testing";',
    );
  });

  it("points library modules at their compiled files in the linked package", () => {
    const source = 'import { backoffDelay } from "../../src/core/backoff.ts";\n' +
      'const m = await import("../../src/core/json.ts");';
    assert.equal(
      rewriteTestSource(source, "tests/integration/a_test.ts"),
      'import { backoffDelay } from "../../node_modules/repid/esm/src/core/backoff.js";\n' +
        'const m = await import("../../node_modules/repid/esm/src/core/json.js");',
    );
  });

  it("maps mod.ts from a deeper fixture folder", () => {
    assert.equal(
      rewriteTestSource('import { defineActor } from "../../../mod.ts";', "tests/x/fixtures/a.ts"),
      'import { defineActor } from "repid";',
    );
  });

  it("points run-time module URLs at compiled .js files", () => {
    const source = 'const u = new URL("./fixtures/sync_actors.ts", import.meta.url);\n' +
      'const root = new URL("../../", import.meta.url);';
    assert.equal(
      rewriteTestSource(source, "tests/integration/a_test.ts"),
      'const u = new URL("./fixtures/sync_actors.js", import.meta.url);\n' +
        'const root = new URL("../../", import.meta.url);',
    );
  });

  it("rejects an import outside the tests and the library, naming the file", () => {
    assert.throws(
      () => rewriteTestSource('import "../../examples/demo.ts";', "tests/integration/a_test.ts"),
      (error: unknown) =>
        error instanceof UnmappedImportError &&
        /tests\/integration\/a_test\.ts imports "\.\.\/\.\.\/examples\/demo\.ts"/.test(
          error.message,
        ),
    );
  });
});

describe("rewriteModuleUrls()", () => {
  it("points new URL(…ts, import.meta.url) at the compiled .js and leaves the rest", () => {
    assert.equal(
      rewriteModuleUrls(
        'new URL("../threads/entry.ts", import.meta.url); new URL("./x.ts", base); "a.ts"',
      ),
      'new URL("../threads/entry.js", import.meta.url); new URL("./x.ts", base); "a.ts"',
    );
  });
});
