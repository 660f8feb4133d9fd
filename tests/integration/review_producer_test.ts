/**
 * Review finding in the producer, run against each backend: a result wait
 * that is still subscribing when the producer is closed ends with the
 * close, instead of staying pending with a recheck timer that outlives it.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { backends, type Harness } from "../support/harness.ts";

for (const backend of backends) {
  describe(`[${backend.name}] review: producer`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(() => h.close());

    it("`close()` ends a result wait that was still subscribing", async () => {
      const producer = h.producer({ recheckMs: 100 });
      const job = await producer.enqueueJob("never_runs", { queue: "review-close" });
      const waiting = job.waitResult().then(() => "resolved", (e: Error) => e.message);
      await producer.close();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([
        waiting,
        new Promise<string>((r) => (timer = setTimeout(() => r("still pending"), 2_000))),
      ]);
      clearTimeout(timer);
      assert.equal(outcome, "The producer was closed");
    });
  });
}
