import type { BenchResult } from './results.js';

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return n.toExponential(3);
  if (a >= 1000) return n.toFixed(0);
  return Number(n.toPrecision(4)).toString();
}

/**
 * Groups results by case and metric; within a group the first implementation listed is the
 * reference, and every row shows its median as a ratio to that reference's median.
 */
export function groupResults(results: readonly BenchResult[]): Map<string, BenchResult[]> {
  const groups = new Map<string, BenchResult[]>();
  for (const r of results) {
    const key = `${r.case} | ${r.metric} (${r.unit})`;
    const g = groups.get(key) ?? [];
    g.push(r);
    groups.set(key, g);
  }
  return groups;
}

export function ratio(value: number, reference: number): string {
  if (reference === 0 || !Number.isFinite(reference) || !Number.isFinite(value)) return '—';
  return `${fmt(value / reference)}x`;
}

/** A plain-text table for the terminal. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows: string[][] = [['case', 'metric', 'impl', 'median', 'min', 'max', 'runs', 'vs first']];
  for (const group of groupResults(results).values()) {
    const ref = group[0]!;
    for (const r of group) {
      rows.push([r.case, `${r.metric} (${r.unit})`, r.impl, fmt(r.median), fmt(r.min), fmt(r.max), String(r.runs), ratio(r.median, ref.median)]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i >= 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

export { fmt as formatNumber };
