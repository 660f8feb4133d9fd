import process from "node:process";
import { Redis } from "npm:ioredis@^5.11.1";
const mod = await import(process.env.REPID_MOD!);
const { Repid, Worker } = mod;
const url = "redis://127.0.0.1:6783";
const r = new Redis(url);
const N = 20000;
async function once(): Promise<string> {
  const prefix = `lc-${crypto.randomUUID().slice(0, 8)}`;
  const producer = new Repid(url, { prefix });
  for (let i = 0; i < N; i += 1000) {
    await producer.enqueueJobs(
      Array.from({ length: 1000 }, (_, k) => ({ actor: "noop", args: [i + k] })),
    );
  }
  await r.config("RESETSTAT");
  let done = 0;
  let fin!: () => void;
  const all = new Promise<void>((res) => fin = res);
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
  const run = w.runForever({ handleSignals: false });
  await all;
  const info = await r.info("commandstats");
  await w.stop({ graceMs: 0 });
  await run;
  await producer.close();
  const m = info.match(/cmdstat_evalsha:calls=(\d+),usec=(\d+)/)!;
  return `calls ${m[1]} usec/job ${(Number(m[2]) / N).toFixed(2)}`;
}
await once();
for (let i = 0; i < 3; i++) console.log(process.env.LABEL, await once());
await r.quit();
