/**
 * What `Worker.runForever()` checks before it fetches: that Redis answers
 * (a wrong URL fails within seconds, naming the address and the cause) and
 * that each sync actor's module loads in a thread with its export. And a
 * `Worker` that is only constructed holds nothing open.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ActorLoadError, ConnectionError, Worker } from "../../mod.ts";
import { spawnScript } from "../support/child_script.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { within } from "../support/subprocess.ts";
import { RedisServer } from "../support/redis_server.ts";

const actorsModule = new URL("./fixtures/threads/actors.ts", import.meta.url);
// A literal URL, so that the Node run of the tests (scripts/test_node.ts) maps it to .js.
const PRODUCER_BESIDE_WORKER = fileURLToPath(
  new URL("./fixtures/producer_beside_worker.ts", import.meta.url),
);

function workerFor(url: string): Worker {
  const worker = new Worker(url, { logger: "silent", prefix: testPrefix("start") });
  worker.actor(async function start_noop() {
    await Promise.resolve();
  });
  return worker;
}

describe("Worker.runForever() start-up checks", () => {
  it("refuses to start when Redis refuses the connection, naming host, port and cause", async () => {
    const worker = workerFor("redis://127.0.0.1:1");
    const error = await within(
      worker.runForever({ handleSignals: false }).then(() => undefined, (e) => e),
      20_000,
      "runForever on a closed port",
    );
    assert.ok(error instanceof ConnectionError, String(error));
    assert.match(error.message, /^Cannot start worker \(Redis at 127\.0\.0\.1:1\)/);
    assert.match(error.message, /ECONNREFUSED/);
  });

  it("names TLS as the cause when rediss:// meets a server without TLS", async () => {
    const plain = new URL(REDIS_URL);
    const worker = workerFor(`rediss://${plain.host}`);
    const error = await within(
      worker.runForever({ handleSignals: false }).then(() => undefined, (e) => e),
      20_000,
      "runForever with TLS against a plain server",
    );
    assert.ok(error instanceof ConnectionError, String(error));
    assert.match(
      error.message,
      new RegExp(`Redis at ${plain.host.replace(".", "\\.")}.*\\(TLS\\)`),
    );
    assert.match(error.message, /SSL|TLS|ssl|tls|socket disconnected/);
  });

  it("names authentication as the cause when Redis wants a password the URL lacks or gets wrong", async () => {
    const server = await RedisServer.start({ port: 6482, args: ["--requirepass", "s3cret"] });
    try {
      for (
        const [url, cause] of [
          [`redis://127.0.0.1:${server.port}`, /NOAUTH/],
          [`redis://:wrong@127.0.0.1:${server.port}`, /WRONGPASS|invalid password/],
        ] as const
      ) {
        const worker = workerFor(url);
        const error = await within(
          worker.runForever({ handleSignals: false }).then(() => undefined, (e) => e),
          20_000,
          "runForever against a server that wants a password",
        );
        assert.ok(error instanceof ConnectionError, String(error));
        assert.match(error.message, new RegExp(`Redis at 127\\.0\\.0\\.1:${server.port}`));
        assert.match(error.message, cause);
      }
    } finally {
      await server.stop();
    }
  });

  it("stops at once, within graceMs, when stopped while Redis is unreachable at start", async () => {
    const worker = workerFor("redis://127.0.0.1:1");
    const running = worker.runForever({ handleSignals: false });
    // Failure guards below the 3 s start-up check: the stop must not wait for it.
    await within(worker.stop({ graceMs: 100 }), 2_000, "stop during the start-up check");
    await within(running, 2_000, "runForever after stop");
  });

  it("refuses to start when a sync actor's module does not load, naming its URL", async () => {
    const worker = workerFor(REDIS_URL);
    const missing = new URL("./fixtures/threads/no_such_module.js", import.meta.url);
    worker.actor(missing, { name: "start_missing_module" });
    const error = await within(
      worker.runForever({ handleSignals: false }).then(() => undefined, (e) => e),
      60_000,
      "runForever with a missing module",
    );
    assert.ok(error instanceof ActorLoadError, String(error));
    assert.equal(error.module, missing.href);
    assert.match(error.message, /"start_missing_module" from module .*no_such_module\.js/);
    assert.match(error.message, /does not load in a thread/);
  });

  it("refuses to start when a sync actor's export is missing, listing the exports found", async () => {
    const worker = workerFor(REDIS_URL);
    worker.actor(actorsModule, { export: "nope", name: "start_missing_export" });
    const error = await within(
      worker.runForever({ handleSignals: false }).then(() => undefined, (e) => e),
      60_000,
      "runForever with a missing export",
    );
    assert.ok(error instanceof ActorLoadError, String(error));
    assert.match(error.message, /has no export "nope"; its exports are .*whoami \(function\)/);
    assert.match(error.message, /notAFunction \(number\)/);
  });

  it("a script that constructs a Worker beside its producer exits by itself", async () => {
    const prefix = testPrefix("start-lazy");
    const child = spawnScript(PRODUCER_BESIDE_WORKER, {
      REPID_PREFIX: prefix,
      REDIS_URL,
    });
    try {
      await child.waitForLine(/^enqueued /, 60_000);
      assert.equal(await within(child.exited, 30_000, "the producer script's exit"), 0);
    } finally {
      await child.close();
      await cleanup(prefix);
    }
  });
});
