import { normalizeBox } from './geometry.js';
import type { InputToken, PageSize, Token } from './types.js';

const validSize = (p: unknown): p is PageSize => {
  if (p === null || typeof p !== 'object') return false;
  const { width, height } = p as Record<string, unknown>;
  return typeof width === 'number' && typeof height === 'number' && width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height);
};

/** One token, or the reason it is dropped. */
function normalizeOne(t: unknown, page: PageSize | undefined): Token | string {
  if (t === null || typeof t !== 'object' || Array.isArray(t)) return 'not an object';
  const o = t as Record<string, unknown>;
  if (typeof o.text !== 'string' || !o.text.trim()) return 'no text';
  const pageNo = o.page ?? 1;
  if (typeof pageNo !== 'number' || !Number.isInteger(pageNo) || pageNo < 1) return 'page is not a positive integer';
  const box = normalizeBox(o, page);
  if (typeof box === 'string') return box;
  // Collapsed whitespace: line text joins tokens with single spaces, so tokens should not add more.
  return { text: o.text.trim().replace(/\s+/g, ' '), page: pageNo, bbox: box };
}

/**
 * Normalizes partner tokens to page-fraction boxes. Never throws: anything unusable is dropped
 * with a warning naming its index, so one bad token does not cost the whole document.
 */
export function normalizeTokens(tokens: InputToken[], page?: PageSize): { tokens: Token[]; warnings: string[] } {
  const warnings: string[] = [];
  const out: Token[] = [];
  let size: PageSize | undefined;
  if (page !== undefined && page !== null) {
    if (validSize(page)) size = page;
    else warnings.push('page: size ignored, width and height must be positive numbers');
  }
  if (!Array.isArray(tokens)) return { tokens: out, warnings: [...warnings, 'tokens: not a list'] };
  // A plain loop rather than forEach: holes in a sparse list are reported too.
  for (let i = 0; i < tokens.length; i++) {
    let result: Token | string;
    try {
      result = normalizeOne(tokens[i], size);
    } catch {
      // Proxies or throwing getters: still not a reason to fail the document.
      result = 'unreadable token';
    }
    if (typeof result === 'string') warnings.push(`tokens[${i}]: ${result}`);
    else out.push(result);
  }
  return { tokens: out, warnings };
}
