/** Key case conversion between the REST contract (snake_case) and GraphQL (camelCase). */
const toSnake = remembered((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
const toCamel = remembered((k) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));

/**
 * Field names repeat on every call (a document list converts the same dozen keys per item), so each
 * conversion is kept; the first names seen fill the table and later ones are converted each time.
 */
function remembered(convert: (k: string) => string): (k: string) => string {
  const known = new Map<string, string>();
  return (k) => {
    let converted = known.get(k);
    if (converted === undefined) {
      converted = convert(k);
      if (known.size < 10_000) known.set(k, converted);
    }
    return converted;
  };
}

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
