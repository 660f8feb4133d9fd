/** Actors of `threads_bench.ts`, loaded by the pool's threads by URL. */

/** A tiny function: the cost of a job is then almost all overhead. */
export function add(a: number, b: number): number {
  return a + b;
}

/** Keeps a CPU busy for `ms` milliseconds. */
export function spin(ms: number): number {
  const start = Date.now();
  let n = 0;
  while (Date.now() - start < ms) n++;
  return n;
}
