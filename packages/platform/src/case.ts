/** Key case conversion between the REST contract (snake_case) and GraphQL (camelCase). */
const toSnake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const toCamel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

// graphql-js builds input objects without a prototype; they are plain data all the same.
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function convertKeys(value: unknown, convert: (k: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => convertKeys(v, convert));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '__typename') continue;
      out[convert(k)] = convertKeys(v, convert);
    }
    return out;
  }
  return value;
}

export const snakeKeys = <T = unknown>(value: unknown): T => convertKeys(value, toSnake) as T;
export const camelKeys = <T = unknown>(value: unknown): T => convertKeys(value, toCamel) as T;
