// A/B of plain jobs at c=50: REPID_MOD selects the tree; prints jobs/s of RUNS measurements
import process from "node:process";
const mod = await import(process.env.REPID_MOD!);
const { Repid, Worker } = mod;
const url = "redis://127.0.0.1:6783";
const N = 20000;
async function once(): Promise<number> {
  const prefix = `ab-${crypto.randomUUID().slice(0, 8)}`;
  const producer = new Repid(url, { prefix });
  for (let i = 0; i < N; i += 1000) {
    await producer.enqueueJobs(
      Array.from({ length: 1000 }, (_, k) => ({ actor: "noop", args: [i + k] })),
    );
  }
  let done = 0;
  let fin!: () => void;
  const all = new Promise<void>((r) => fin = r);
  const logger = {
    debug() {},
    info(m: string) {
      if (m === "job done" && ++done === N) fin();
    },
    warn() {},
    error() {},
  };
  const w = new Worker(url, { prefix, concurrency: 50, logger });
  w.actor(async function noop(_i: number) {});
  const t0 = performance.now();
  const run = w.runForever({ handleSignals: false });
  await all;
  const rate = N / (performance.now() - t0) * 1000;
  await w.stop({ graceMs: 0 });
  await run;
  await producer.close();
  return rate;
}
await once(); // warm-up
const out = [];
for (let i = 0; i < Number(process.env.RUNS ?? 3); i++) out.push(Math.round(await once()));
console.log(process.env.LABEL, out.join(" "));
