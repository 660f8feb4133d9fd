/**
 * The thread pool under plain Node 20 (`node:worker_threads`, the compiled
 * `.js` entry file): the pool, its entry file and a fixture are bundled to
 * JavaScript in the layout of the npm build, then run with `node`.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
/** This file drives Node from Deno (it bundles with `deno bundle`); the Node run skips it. */
const underDeno = typeof globalThis.Deno !== "undefined";
describe("ThreadPool on Node", { skip: !underDeno }, () => {
    const dir = mkdtempSync(join(tmpdir(), "repid-threads-node-"));
    let report;
    before(async () => {
        writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
        const bundle = (from, to) => run(process.execPath, ["bundle", "-q", "-o", join(dir, to), join(root, from)], {
            cwd: root,
        });
        await bundle("src/threads/entry.ts", "src/threads/entry.js");
        await bundle("tests/integration/fixtures/threads/node_driver.ts", "src/runtime/driver.js");
        await bundle("tests/integration/fixtures/threads/actors.ts", "actors.js");
        const { stdout } = await run("node", [join(dir, "src/runtime/driver.js"), pathToFileURL(join(dir, "actors.js")).href, dir], { timeout: 60_000 });
        report = JSON.parse(stdout.trim().split("\n").at(-1));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    it("`ThreadPool` uses node:worker_threads and the .js entry file under Node", () => {
        assert.equal(report.api, "node");
        assert.deepEqual(report.echo, {
            value: {
                args: [1, "two"],
                context: { jobId: "j", queue: "default", actor: "a", attempt: 1, deliveries: 1 },
            },
        });
    });
    it("`ThreadPool` under Node reports thrown errors and crashes, and replaces the crashed thread", () => {
        assert.deepEqual(report.thrower, { error: { name: "RangeError", message: "bad value 7" } });
        const crash = report.crash;
        assert.equal(crash.error.name, "ThreadCrashError");
        assert.match(crash.error.message, /thread crashed on purpose/);
        assert.ok(report.after.value, "a call after the crash works");
    });
    it("`ThreadPool` under Node terminates a busy thread at its timeout and on abort", () => {
        assert.deepEqual(report.timeout, { error: { name: "Error", message: "timed out" } });
        assert.equal(report.timeoutBeating, false);
        assert.deepEqual(report.aborted, { error: { name: "Error", message: "stopped" } });
        assert.equal(report.abortBeating, false);
        assert.equal(report.threads, 1, "the pool kept one live thread");
    });
});
