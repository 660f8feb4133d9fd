import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type DenoConfig,
  dependenciesFromImports,
  manifestProblems,
  npmManifest,
  type PackageJson,
  parseNpmSpecifier,
  rangeAllows,
} from "../../scripts/npm_manifest.ts";
import { absoluteReadmeLinks } from "../../scripts/build_npm.ts";

const deno: DenoConfig = {
  name: "@repid/repid",
  version: "1.2.3",
  license: "MIT",
  exports: { ".": "./mod.ts" },
  imports: { ioredis: "npm:ioredis@^5.11.1", "node:os": "node:os" },
};
const root: PackageJson = { name: "ws", private: true, dependencies: { ioredis: "^5.11.1" } };
const options = { name: "repid", description: "d", bin: { repid: "src/cli/main.ts" } };

describe("parseNpmSpecifier()", () => {
  it("takes apart plain, scoped, slash-prefixed and subpath specifiers", () => {
    assert.deepEqual(parseNpmSpecifier("npm:ioredis@^5.11.1"), {
      name: "ioredis",
      range: "^5.11.1",
      subpath: "",
    });
    assert.deepEqual(parseNpmSpecifier("npm:@scope/pkg@1.x/sub/path"), {
      name: "@scope/pkg",
      range: "1.x",
      subpath: "/sub/path",
    });
    assert.deepEqual(parseNpmSpecifier("npm:/ioredis@5/"), {
      name: "ioredis",
      range: "5",
      subpath: "/",
    });
    assert.deepEqual(parseNpmSpecifier("npm:ioredis"), {
      name: "ioredis",
      range: undefined,
      subpath: "",
    });
  });

  it("returns undefined for other schemes", () => {
    assert.equal(parseNpmSpecifier("jsr:@std/assert@1"), undefined);
    assert.equal(parseNpmSpecifier("./src/mod.ts"), undefined);
  });
});

describe("dependenciesFromImports()", () => {
  it("collects npm: imports, skips node: imports and refuses what npm cannot carry", () => {
    const { dependencies, problems } = dependenciesFromImports({
      ioredis: "npm:ioredis@^5.11.1",
      "ioredis/": "npm:/ioredis@^5.11.1/",
      os: "node:os",
      assert: "jsr:@std/assert@1",
      bare: "npm:croner",
    });
    assert.deepEqual(dependencies, { ioredis: "^5.11.1" });
    assert.equal(problems.length, 2);
    assert.match(problems[0], /"assert" maps to "jsr:@std\/assert@1"/);
    assert.match(problems[1], /"bare" maps to "npm:croner" without a version range/);
  });

  it("refuses one package imported with two ranges", () => {
    const { problems } = dependenciesFromImports({
      a: "npm:ioredis@^5.11.1",
      b: "npm:ioredis@^5.0.0/built/utils",
    });
    assert.deepEqual(problems, [
      'deno.json imports npm package "ioredis" with two ranges: "^5.11.1" and "^5.0.0"',
    ]);
  });
});

describe("manifestProblems()", () => {
  it("finds no problem when deno.json, package.json and the npm manifest agree", () => {
    assert.deepEqual(manifestProblems(deno, root, npmManifest(deno, options)), []);
  });

  it("reports a dependency range that differs between deno.json and package.json", () => {
    const problems = manifestProblems(deno, { dependencies: { ioredis: "^5.0.0" } });
    assert.deepEqual(problems, [
      '"ioredis": deno.json imports has range "^5.11.1" but package.json "dependencies" has "^5.0.0"',
    ]);
  });

  it("reports an npm: import missing from package.json and a dependency missing from deno.json", () => {
    const problems = manifestProblems(deno, { dependencies: { croner: "^11.0.1" } });
    assert.equal(problems.length, 2);
    assert.match(problems[0], /npm:ioredis@\^5\.11\.1 but package.json "dependencies" lacks/);
    assert.match(problems[1], /"croner": "\^11\.0\.1" but deno.json imports have no npm:croner/);
  });

  it("reports npm exports that do not mirror deno.json exports", () => {
    const npm = npmManifest(deno, options);
    npm.exports = {
      ".": { types: "./esm/mod.d.ts", default: "./esm/index.js" },
      "./extra": { types: "./esm/extra.d.ts", default: "./esm/extra.js" },
    };
    const problems = manifestProblems(deno, root, npm);
    assert.equal(problems.length, 2);
    assert.match(problems[0], /npm export "\." is .*index\.js.*compiles to .*esm\/mod\.js/);
    assert.match(problems[1], /npm exports "\.\/extra", which deno.json does not export/);
  });

  it("reports a deno.json export missing from the npm manifest", () => {
    const two: DenoConfig = { ...deno, exports: { ".": "./mod.ts", "./testing": "./testing.ts" } };
    const problems = manifestProblems(two, root, npmManifest(deno, options));
    assert.deepEqual(problems, [
      'deno.json exports "./testing" (./testing.ts) but the npm exports lack it',
    ]);
  });

  it("reports an npm manifest whose version or dependencies drifted from deno.json", () => {
    const npm = { ...npmManifest(deno, options), version: "1.2.2", dependencies: {} };
    const problems = manifestProblems(deno, root, npm);
    assert.equal(problems.length, 2);
    assert.match(problems[0], /version "1\.2\.2" is not deno.json's "1\.2\.3"/);
    assert.match(problems[1], /npm\/package.json "dependencies" lacks "ioredis"/);
  });

  it("reports a deno.json export that is not a .ts module", () => {
    const problems = manifestProblems({ ...deno, exports: "./mod.js" }, root);
    assert.deepEqual(problems, [
      'Cannot map deno.json export ".": "./mod.js" is not a relative .ts module',
    ]);
  });
});

describe("rangeAllows()", () => {
  it("accepts the same range and a union that has it as one alternative, nothing else", () => {
    assert.equal(rangeAllows("^5.11.1", "^5.11.1"), true);
    assert.equal(rangeAllows("^5.11.1 || ^6.0.0", "^5.11.1"), true);
    assert.equal(rangeAllows("^5.11.1 || ^6.0.0", "^6.0.0"), true);
    assert.equal(rangeAllows("^5.0.0 || ^6.0.0", "^5.11.1"), false);
    assert.equal(rangeAllows("^6.0.0", "^5.11.1"), false);
  });
});

describe("npmManifest()", () => {
  it("carries package.json's wider ranges (ioredis ^5 || ^6, one copy with the user's own)", () => {
    const wide = { ioredis: "^5.11.1 || ^6.0.0" };
    const npm = npmManifest(deno, { ...options, dependencyRanges: wide });
    assert.deepEqual(npm.dependencies, wide);
    assert.deepEqual(manifestProblems(deno, { dependencies: wide }, npm), []);
    assert.deepEqual(manifestProblems(deno, { dependencies: wide }, npmManifest(deno, options)), [
      '"ioredis": package.json has range "^5.11.1 || ^6.0.0" but npm/package.json has "^5.11.1"',
    ]);
  });

  it("writes repository, homepage and bugs when given", () => {
    const links = {
      repository: "https://example.com/r",
      homepage: "https://example.com/r#readme",
      bugs: "https://example.com/r/issues",
    };
    const npm = npmManifest(deno, { ...options, links });
    assert.deepEqual(npm.repository, { type: "git", url: "git+https://example.com/r.git" });
    assert.equal(npm.homepage, links.homepage);
    assert.deepEqual(npm.bugs, { url: links.bugs });
  });

  it("writes an ESM package for Node 20+ with deno.json's version, exports and dependencies", () => {
    const npm = npmManifest(deno, options);
    assert.equal(npm.name, "repid");
    assert.equal(npm.version, "1.2.3");
    assert.equal(npm.type, "module");
    assert.deepEqual(npm.exports, { ".": { types: "./esm/mod.d.ts", default: "./esm/mod.js" } });
    assert.deepEqual(npm.bin, { repid: "./esm/src/cli/main.js" });
    assert.deepEqual(npm.engines, { node: ">=20" });
    assert.deepEqual(npm.dependencies, { ioredis: "^5.11.1" });
  });

  it("rejects a deno.json without a version", () => {
    assert.throws(() => npmManifest({ ...deno, version: undefined }, options), {
      name: "TypeError",
      message: /deno.json has no version/,
    });
  });
});

describe("absoluteReadmeLinks()", () => {
  it("points links to repository files at the repository, keeps anchors and URLs", () => {
    const md = "See [`examples/`](examples/), [guide](DEVELOPERS.md), [x](./a/b.ts), " +
      "[top](#installation) and [npm](https://www.npmjs.com/package/croner).";
    assert.equal(
      absoluteReadmeLinks(md, "https://example.com/r"),
      "See [`examples/`](https://example.com/r/tree/main/examples/), " +
        "[guide](https://example.com/r/blob/main/DEVELOPERS.md), " +
        "[x](https://example.com/r/blob/main/a/b.ts), " +
        "[top](#installation) and [npm](https://www.npmjs.com/package/croner).",
    );
  });
});
