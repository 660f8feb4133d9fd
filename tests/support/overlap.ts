/**
 * Test support: how many recorded runs overlapped at most, for the tests of
 * concurrency limits (a group's concurrency across workers and processes).
 */

/**
 * The largest number of intervals [start, end) of `runs` that overlap at one
 * time (an end before a start at a tie: back-to-back runs do not overlap).
 */
export function maxOverlap(runs: { start: number; end: number }[]): number {
  const edges = runs.flatMap((r) => [
    { t: r.start, d: 1 },
    { t: r.end, d: -1 },
  ]).sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of edges) max = Math.max(max, now += e.d);
  return max;
}
