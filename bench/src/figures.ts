/** How suites write their figures: quantiles, percentages, milliseconds, verdicts and markdown tables. */

export const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
};
export const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
export const ms = (x: number): string => `${x.toFixed(1)} ms`;
export const verdict = (ok: boolean): string => (ok ? 'PASS' : 'SHORT');
export const table = (head: string[], body: string[][]): string =>
  [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i ? '---:' : '---')).join(' | ')} |`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
