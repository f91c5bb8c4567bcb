import { formatNumber } from './table.js';

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** A horizontal bar chart as a standalone SVG document: one bar per (label, value), min-max whisker. */
export function barChart(title: string, unit: string, bars: readonly { label: string; value: number; min: number; max: number }[]): string {
  const labelW = 190;
  const chartW = 420;
  const rowH = 26;
  const top = 34;
  const height = top + bars.length * rowH + 12;
  const maxV = Math.max(...bars.map((b) => (Number.isFinite(b.max) ? b.max : b.value)), 0) || 1;
  const x = (v: number): number => labelW + (Math.max(0, v) / maxV) * chartW;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + chartW + 110}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="20" font-size="13" font-weight="bold">${escapeXml(title)} (${escapeXml(unit)})</text>`,
  ];
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const color = i === 0 ? '#2f6fdf' : '#9aa5b1';
    parts.push(
      `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${escapeXml(b.label)}</text>`,
      `<rect x="${labelW}" y="${y + 3}" width="${Math.max(1, x(b.value) - labelW)}" height="${rowH - 8}" fill="${color}"/>`,
      `<line x1="${x(b.min)}" x2="${x(b.max)}" y1="${y + rowH / 2}" y2="${y + rowH / 2}" stroke="#222"/>`,
      `<text x="${x(Math.max(b.value, b.max)) + 6}" y="${y + 15}">${escapeXml(formatNumber(b.value))}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
