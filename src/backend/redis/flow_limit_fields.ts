/**
 * A queue's flow limits as the fields of its `flow` hash.
 *
 * @module
 */

import type { FlowLimits, FlowLimitsChange } from "../backend.ts";

/**
 * The fields of the `flow` hash that hold the limits, in the order
 * {@linkcode flowLimitsFrom} reads them.
 *
 * @example
 * ```ts
 * import { FLOW_LIMIT_FIELDS } from "./flow_limit_fields.ts";
 *
 * console.log(FLOW_LIMIT_FIELDS[0]); // "rate_max"
 * ```
 */
export const FLOW_LIMIT_FIELDS = ["rate_max", "rate_per", "gconc", "grate_max", "grate_per"];

/**
 * The field/value pairs of the `flow_limits` script for a change (`''`:
 * remove the field).
 *
 * @example
 * ```ts
 * import { flowLimitFields } from "./flow_limit_fields.ts";
 *
 * console.log(flowLimitFields({ rate: { max: 10, perMs: 1000 } }));
 * ```
 */
export function flowLimitFields(limits: FlowLimitsChange): (string | number)[] {
  const out: (string | number)[] = [];
  if (limits.rate !== undefined) {
    out.push("rate_max", limits.rate?.max ?? "", "rate_per", limits.rate?.perMs ?? "");
  }
  const g = limits.groups;
  if (g?.concurrency !== undefined) out.push("gconc", g.concurrency ?? "");
  if (g?.rate !== undefined) {
    out.push("grate_max", g.rate?.max ?? "", "grate_per", g.rate?.perMs ?? "");
  }
  return out;
}

/**
 * The limits in the values of {@linkcode FLOW_LIMIT_FIELDS}.
 *
 * @example
 * ```ts
 * import { flowLimitsFrom } from "./flow_limit_fields.ts";
 *
 * console.log(flowLimitsFrom(["10", "1000", null, null, null]).rate); // { max: 10, perMs: 1000 }
 * ```
 */
export function flowLimitsFrom(values: (string | null)[]): FlowLimits {
  const n = (v: string | null | undefined) => (v ? Number(v) : undefined);
  const [rmax, rper, gconc, grmax, grper] = values.map(n);
  const out: FlowLimits = {
    rate: rmax && rper ? { max: rmax, perMs: rper } : null,
    groups: {},
  };
  if (gconc) out.groups.concurrency = gconc;
  if (grmax && grper) out.groups.rate = { max: grmax, perMs: grper };
  return out;
}
