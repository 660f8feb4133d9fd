/**
 * Test support: the Prometheus text exposition format read by a parser the
 * project does not write (`parse-prometheus-text-format`, a dev dependency),
 * with the shapes it returns typed.
 */
// @ts-ignore: the package ships no types of its own (Node's tsc would refuse the import)
import parseText from "parse-prometheus-text-format";

/** One sample of a family: a counter or gauge value, or a histogram's buckets, count and sum. */
export interface PromSample {
  labels?: Record<string, string>;
  value?: string;
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
}

/** A metric family: its name, type (upper case), help and samples. */
export interface PromFamily {
  name: string;
  type: string;
  help: string;
  metrics: PromSample[];
}

/** The families of `text`. */
export function parsePrometheus(text: string): PromFamily[] {
  return (parseText as (text: string) => PromFamily[])(text);
}
