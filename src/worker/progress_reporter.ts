/**
 * The progress of a running job (`this.progress(value)` in an actor),
 * coalesced: the first report is written at once, later ones at most once
 * per {@linkcode PROGRESS_WRITE_MS}, each write carrying the latest value. A
 * tight loop that reports 10,000 times costs a few writes, not 10,000.
 *
 * @module
 */

import { jsonProblem, stringifyJson } from "../core/json.ts";

/** The shortest time between two progress writes of one job, in milliseconds. */
export const PROGRESS_WRITE_MS = 100;

/** Coalesces the progress reports of one job into few writes. */
export class ProgressReporter {
  readonly #write: (json: string) => Promise<unknown>;
  readonly #action: string;
  /** The latest value not yet written, as JSON. */
  #pending: string | undefined;
  #inFlight: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastWrite = -Infinity;
  #closed = false;

  /**
   * @param write Stores one value (JSON); its failures are the caller's to report.
   * @param action The start of the error message for a value that is not JSON.
   */
  constructor(write: (json: string) => Promise<unknown>, action: string) {
    this.#write = write;
    this.#action = action;
  }

  /**
   * Takes a new progress value: any JSON value (a number from 0 to 100, an
   * object…). Throws a `TypeError` naming what is not JSON.
   */
  report(value: unknown): void {
    const problem = jsonProblem(value, "progress");
    if (problem) throw new TypeError(`${this.#action}: ${problem}`);
    if (this.#closed) return;
    this.#pending = stringifyJson(value);
    this.#schedule();
  }

  /** Given an already serialised value (from a thread, checked there). */
  reportJson(json: string): void {
    if (this.#closed) return;
    this.#pending = json;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#inFlight || this.#timer) return;
    const wait = this.#lastWrite + PROGRESS_WRITE_MS - performance.now();
    if (wait <= 0) this.#flushPending();
    else this.#timer = setTimeout(() => this.#flushPending(), wait);
  }

  #flushPending(): void {
    this.#timer = undefined;
    const json = this.#pending;
    if (json === undefined) return;
    this.#pending = undefined;
    this.#lastWrite = performance.now();
    this.#inFlight = this.#write(json).then(() => {}, () => {}).finally(() => {
      this.#inFlight = undefined;
      if (this.#pending !== undefined && !this.#closed) this.#schedule();
    });
  }

  /**
   * The run has ended: the latest value not yet written is written now
   * (before the job's ack), and later reports are ignored; resolves once
   * every write has landed or failed.
   */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#inFlight) await this.#inFlight;
    if (this.#pending !== undefined) {
      this.#flushPending();
      await this.#inFlight;
    }
  }
}
