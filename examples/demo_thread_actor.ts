/**
 * A sync (CPU-bound) actor for the demo: it runs on the worker's pool of
 * threads, so async jobs keep running while it computes.
 */

/** Counts the primes below `n` by trial division: plain, blocking computation. */
export default function count_primes(n: number): number {
  let count = n > 2 ? 1 : 0;
  for (let i = 3; i < n; i += 2) {
    let prime = true;
    for (let d = 3; d * d <= i; d += 2) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}
