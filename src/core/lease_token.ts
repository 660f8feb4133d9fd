/**
 * The lease token a worker presents for the jobs it leases: its worker id
 * and a sequence number, `<worker id>-<n>`. The store keeps a finished
 * job's token (the job's `token` field), so that the worker that ran it can
 * be named after its lease ended.
 *
 * @module
 */

/**
 * The token of a worker's `seq`-th fetch.
 *
 * @example
 * ```ts
 * import { leaseToken } from "./lease_token.ts";
 *
 * console.log(leaseToken("w1", 7)); // "w1-7"
 * ```
 */
export function leaseToken(workerId: string, seq: number): string {
  return `${workerId}-${seq}`;
}

/**
 * The worker id in a lease token (the token itself when it is not of the
 * form `<worker id>-<n>`), or `null` without a token.
 *
 * @example
 * ```ts
 * import { workerOfToken } from "./lease_token.ts";
 *
 * console.log(workerOfToken("0f8c-a1-7")); // "0f8c-a1"
 * ```
 */
export function workerOfToken(token: string | undefined): string | null {
  if (!token) return null;
  const m = /^(.+)-\d+$/.exec(token);
  return m ? m[1] : token;
}
