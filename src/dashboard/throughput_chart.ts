/**
 * The overview's throughput chart: finished jobs per minute over the last
 * hour as an inline SVG bar chart (done stacked under failed). Pure; the
 * numbers are the only input, and they are numbers.
 *
 * @module
 */

import { type Html, markup } from "./html.ts";

/** Jobs finished in one minute. */
export interface ThroughputPoint {
  /** The minute's start (epoch ms). */
  at: number;
  /** Jobs that finished done. */
  done: number;
  /** Jobs that finished failed or dead. */
  failed: number;
}

const WIDTH = 720;
const HEIGHT = 160;
const LEFT = 36;
const BOTTOM = 18;

function label(at: number): string {
  return new Date(at).toISOString().slice(11, 16);
}

/** The chart of `points` (oldest first). */
export function throughputChart(points: readonly ThroughputPoint[]): Html {
  const n = points.length || 1;
  const top = points.reduce((most, p) => Math.max(most, p.done + p.failed), 1);
  const plotW = WIDTH - LEFT;
  const plotH = HEIGHT - BOTTOM - 6;
  const slot = plotW / n;
  const barW = slot > 3 ? slot - 2 : 1;
  const y = (v: number) => (v / top) * plotH;
  const bars = points.map((p, i) => {
    const x = (LEFT + i * slot + 1).toFixed(1);
    const hDone = y(p.done);
    const hFailed = y(p.failed);
    const base = HEIGHT - BOTTOM;
    const title = `${label(p.at)} UTC: ${p.done} done, ${p.failed} failed`;
    return markup`
      <g>
        <title>${title}</title>
        <rect class="bar-done" x="${x}" y="${(base - hDone).toFixed(1)}" width="${barW.toFixed(1)}"
          height="${hDone.toFixed(1)}"></rect>
        <rect class="bar-failed" x="${x}" y="${(base - hDone - hFailed).toFixed(1)}" width="${
      barW
        .toFixed(1)
    }"
          height="${hFailed.toFixed(1)}"></rect>
      </g>
    `;
  });
  const ticks = points.length
    ? [0, Math.floor(points.length / 2), points.length - 1].map((i) =>
      markup`<text x="${(LEFT + i * slot + slot / 2).toFixed(1)}" y="${
        HEIGHT - 4
      }" text-anchor="middle">${label(points[i].at)}</text>`
    )
    : [];
  return markup`
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img"
      aria-label="Jobs finished per minute, last hour">
    <line class="axis" x1="${LEFT}" y1="${HEIGHT - BOTTOM}" x2="${WIDTH}" y2="${
    HEIGHT -
    BOTTOM
  }"></line>
    <text x="${LEFT - 6}" y="12" text-anchor="end">${top}</text>
    <text x="${LEFT - 6}" y="${HEIGHT - BOTTOM}" text-anchor="end">0</text>
    ${bars}${ticks}
    </svg>
  `;
}
