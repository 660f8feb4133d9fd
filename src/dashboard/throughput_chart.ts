/**
 * The throughput chart: finished jobs per minute as an inline SVG bar chart,
 * done at the bottom, then failed or dead, then cancelled. Pure; its input
 * is numbers only.
 *
 * @module
 */

import { type Html, markup } from "./html.ts";

/** Jobs finished in one minute (the shape of `q.throughput()`'s minutes). */
export interface ThroughputPoint {
  /** The minute's start (epoch ms). */
  at: number;
  /** Jobs that finished done. */
  done: number;
  /** Jobs that finished failed. */
  failed: number;
  /** Jobs dead-lettered. */
  dead: number;
  /** Jobs cancelled. */
  cancelled: number;
}

const WIDTH = 720;
const HEIGHT = 160;
const LEFT = 36;
const BOTTOM = 18;

function label(at: number): string {
  return new Date(at).toISOString().slice(11, 16);
}

/** The minutes of several queues added up, minute by minute (oldest first). */
export function sumByMinute(series: readonly (readonly ThroughputPoint[])[]): ThroughputPoint[] {
  const byMinute = new Map<number, ThroughputPoint>();
  for (const points of series) {
    for (const p of points) {
      const sum = byMinute.get(p.at) ?? { at: p.at, done: 0, failed: 0, dead: 0, cancelled: 0 };
      sum.done += p.done;
      sum.failed += p.failed;
      sum.dead += p.dead;
      sum.cancelled += p.cancelled;
      byMinute.set(p.at, sum);
    }
  }
  return [...byMinute.values()].sort((a, b) => a.at - b.at);
}

/** The chart of `points` (oldest first). */
export function throughputChart(points: readonly ThroughputPoint[]): Html {
  const n = points.length || 1;
  const total = (p: ThroughputPoint) => p.done + p.failed + p.dead + p.cancelled;
  const top = points.reduce((most, p) => Math.max(most, total(p)), 1);
  const plotH = HEIGHT - BOTTOM - 6;
  const slot = (WIDTH - LEFT) / n;
  const barW = (slot > 3 ? slot - 2 : 1).toFixed(1);
  const base = HEIGHT - BOTTOM;
  const bars = points.map((p, i) => {
    const x = (LEFT + i * slot + 1).toFixed(1);
    let y = base;
    const rect = (cls: string, v: number) => {
      const h = (v / top) * plotH;
      y -= h;
      return markup`<rect class="${cls}" x="${x}" y="${y.toFixed(1)}" width="${barW}" height="${
        h.toFixed(1)
      }"></rect>`;
    };
    const title = `${label(p.at)} UTC: ${p.done} done, ${
      p.failed + p.dead
    } failed or dead, ${p.cancelled} cancelled`;
    return markup`<g><title>${title}</title>${rect("bar-done", p.done)}${
      rect("bar-failed", p.failed + p.dead)
    }${rect("bar-cancelled", p.cancelled)}</g>`;
  });
  const ticks = points.length
    ? [0, Math.floor(points.length / 2), points.length - 1].map((i) =>
      markup`<text x="${(LEFT + i * slot + slot / 2).toFixed(1)}" y="${
        HEIGHT - 4
      }" text-anchor="middle">${label(points[i].at)}</text>`
    )
    : [];
  return markup`<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Jobs finished per minute">
<line class="axis" x1="${LEFT}" y1="${base}" x2="${WIDTH}" y2="${base}"></line>
<text x="${LEFT - 6}" y="12" text-anchor="end">${top}</text>
<text x="${LEFT - 6}" y="${base}" text-anchor="end">0</text>
${bars}${ticks}
</svg>`;
}
