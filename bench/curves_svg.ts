/**
 * The SVG plot of the cost curves: a grid of small charts, each a line over
 * its points (or bars), with its axes labelled. Pure functions, no
 * dependencies.
 *
 * @module
 */

/** One chart: a line over `points`, or bars when `bars` is given. */
export interface Curve {
  title: string;
  xLabel: string;
  yLabel: string;
  /** A logarithmic x axis (the sizes grow tenfold). */
  logX?: boolean;
  points: { x: number; y: number }[];
  bars?: { label: string; value: number }[];
}

const W = 300;
const H = 210;
const PAD = { left: 58, right: 14, top: 30, bottom: 42 };
const COLUMNS = 4;

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A short label of a number: 1k, 1M, 0.35. */
export function shortNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a >= 100) return String(Math.round(v));
  if (a >= 1) return String(+v.toPrecision(3));
  return String(+v.toPrecision(2));
}

/** Round upper bound of an axis starting at 0. */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function chart(c: Curve, ox: number, oy: number): string {
  const out: string[] = [];
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const x0 = ox + PAD.left;
  const y0 = oy + PAD.top + ih;
  out.push(
    `<text x="${ox + W / 2}" y="${oy + 16}" text-anchor="middle" font-weight="bold">${
      esc(c.title)
    }</text>`,
  );
  out.push(
    `<line x1="${x0}" y1="${y0}" x2="${x0 + iw}" y2="${y0}" stroke="#444"/>`,
    `<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y0 - ih}" stroke="#444"/>`,
  );
  out.push(
    `<text x="${ox + W / 2}" y="${oy + H - 6}" text-anchor="middle" fill="#444">${
      esc(c.xLabel)
    }</text>`,
    `<text x="${ox + 12}" y="${oy + PAD.top + ih / 2}" text-anchor="middle" fill="#444" ` +
      `transform="rotate(-90 ${ox + 12} ${oy + PAD.top + ih / 2})">${esc(c.yLabel)}</text>`,
  );
  const values = c.bars ? c.bars.map((b) => b.value) : c.points.map((p) => p.y);
  const yMax = niceMax(Math.max(0, ...values) * 1.1);
  const yOf = (v: number) => y0 - (v / yMax) * ih;
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    const y = yOf(v);
    out.push(
      `<line x1="${x0}" y1="${y}" x2="${x0 + iw}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${x0 - 4}" y="${y + 4}" text-anchor="end" fill="#444">${shortNumber(v)}</text>`,
    );
  }
  if (c.bars) {
    const bw = iw / (c.bars.length * 2);
    c.bars.forEach((b, i) => {
      const x = x0 + bw / 2 + i * 2 * bw;
      const y = yOf(b.value);
      out.push(
        `<rect x="${x}" y="${y}" width="${bw}" height="${y0 - y}" fill="#3b6ea8"/>`,
        `<text x="${x + bw / 2}" y="${y - 4}" text-anchor="middle">${shortNumber(b.value)}</text>`,
        `<text x="${x + bw / 2}" y="${y0 + 14}" text-anchor="middle" fill="#444">${
          esc(b.label)
        }</text>`,
      );
    });
    return out.join("\n");
  }
  if (c.points.length === 0) return out.join("\n");
  const xs = c.points.map((p) => p.x);
  const f = (x: number) => (c.logX ? Math.log10(x) : x);
  const lo = f(Math.min(...xs));
  const hi = f(Math.max(...xs));
  const xOf = (x: number) => hi === lo ? x0 + iw / 2 : x0 + ((f(x) - lo) / (hi - lo)) * iw;
  const line = c.points.map((p) => `${xOf(p.x).toFixed(1)},${yOf(p.y).toFixed(1)}`).join(" ");
  out.push(
    `<polyline points="${line}" fill="none" stroke="#3b6ea8" stroke-width="2"/>`,
  );
  for (const p of c.points) {
    const x = xOf(p.x);
    const y = yOf(p.y);
    out.push(
      `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="#3b6ea8"/>`,
      `<text x="${x.toFixed(1)}" y="${(y - 7).toFixed(1)}" text-anchor="middle">${
        shortNumber(p.y)
      }</text>`,
      `<text x="${x.toFixed(1)}" y="${y0 + 14}" text-anchor="middle" fill="#444">${
        shortNumber(p.x)
      }</text>`,
    );
  }
  return out.join("\n");
}

/** The SVG document of `curves` under `title`. */
export function curvesSvg(title: string, curves: Curve[]): string {
  const rows = Math.ceil(curves.length / COLUMNS);
  const width = COLUMNS * W;
  const height = rows * H + 30;
  const parts = curves.map((c, i) => chart(c, (i % COLUMNS) * W, 30 + Math.floor(i / COLUMNS) * H));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13">${esc(title)}</text>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
