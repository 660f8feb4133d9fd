import { Redis } from "ioredis";
import { Repid, Worker } from "/work/wt/flow/mod.ts";
const url = "redis://127.0.0.1:6782";
const r = new Redis(url);
const mode = Deno.args[0];
const n = 5000;
const prefix = "p" + crypto.randomUUID().slice(0, 6);
const producer = new Repid(url, { prefix });
for (let i = 0; i < n; i += 1000) {
  await producer.enqueueJobs(
    Array.from(
      { length: 1000 },
      (
        _,
        k,
      ) => (mode === "groups"
        ? { actor: "noop", group: `g${(i + k) % 1000}` }
        : mode === "prio"
        ? { actor: "noop", priority: (i + k) % 5 - 2 }
        : { actor: "noop" }),
    ),
  );
}
await r.config("RESETSTAT");
let done = 0;
let fin!: () => void;
const all = new Promise<void>((res) => fin = res);
const w = new Worker(url, {
  prefix,
  concurrency: 50,
  logger: {
    debug() {},
    info(m: string) {
      if (m === "job done" && ++done === n) fin();
    },
    warn() {},
    error(m: string, f: unknown) {
      console.error(m, f);
    },
  },
});
w.actor(async function noop() {}, { groupConcurrency: 1 });
const t0 = performance.now();
const run = w.runForever({ handleSignals: false });
await all;
console.log(mode, Math.round(n / (performance.now() - t0) * 1000), "jobs/s");
const info = await r.info("commandstats");
console.log(info.split("\n").filter((l) => /evalsha|blpop|cmdstat_eval/.test(l)).join("\n"));
const cpu = await r.info("cpu");
console.log(cpu.split("\n").filter((l) => /used_cpu_(sys|user):/.test(l)).join(" "));
await w.stop({ graceMs: 0 });
await run;
await producer.close();
await r.quit();
