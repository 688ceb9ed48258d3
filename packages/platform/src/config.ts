import { isIP } from 'node:net';
import { z } from 'zod';
import { SERVICE_DEFAULT_PORT, SERVICE_NAMES, type ServiceName } from '@perceptiq/contracts';

/**
 * Every setting is an environment variable, validated once at start-up. A bad value stops the
 * process with a message naming every bad variable (not just the first). `.env.example` lists them all.
 * The platform's schema holds what every process needs; each service and the gateway own the rest
 * as a settings slice (`defineSettings`), validated in the same pass by `loadConfig`.
 */
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
const optionalUrl = optionalString.pipe(z.url().optional());
const flag = (fallback: boolean) => z.enum(['true', 'false']).default(fallback ? 'true' : 'false').transform((v) => v === 'true');
/** Variable types for settings slices, so each reads like the platform's own (and the gateway needs no zod). */
export const settingTypes = { positiveInt, optionalString, optionalUrl, flag };
/** The shortest secret accepted from any source (environment or file): an HMAC with a short key is guessable. */
export const MIN_SECRET_LENGTH = 32;
const secret = optionalString.refine((v) => v === undefined || v.length >= MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`);
/** A comma-separated list, blanks dropped. */
const stringList = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);
function isProxyAddress(entry: string): boolean {
  if (PROXY_KEYWORDS.has(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/** A browser origin as it sends it in `Origin`: scheme, host and port only, e.g. `https://app.example.com`. */
function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === entry;
  } catch {
    return false;
  }
}

const serviceEnv = Object.fromEntries(
  SERVICE_NAMES.flatMap((name) => [
    [`${name.toUpperCase()}_PORT`, port(SERVICE_DEFAULT_PORT[name])],
    [`${name.toUpperCase()}_URL`, optionalUrl],
  ]),
) as Record<string, z.ZodType>;

export const EnvSchema = z.object({
  PORT: port(8100),
  GATEWAY_PORT: port(4000),
  GATEWAY_URL: optionalUrl,
  METRICS_PORT: port(9464),
  TRUSTED_PROXIES: stringList.refine(
    (list) => list.every(isProxyAddress),
    'must list IP addresses, CIDR ranges (10.0.0.0/8) or loopback, linklocal, uniquelocal, comma-separated',
  ),
  // Unset: any origin. (zod 4 takes a default after a transform as the output, hence a list.)
  CORS_ALLOWED_ORIGINS: stringList
    .default(['*'])
    .refine(
      (list) => (list.length === 1 && list[0] === '*') || list.every(isOrigin),
      'must be * or origins (scheme://host[:port], no path or trailing slash), comma-separated',
    ),
  HOST: z.string().min(1).default('127.0.0.1'),
  PERCEPTIQ_DATA_DIR: z.string().min(1).default('./data'),
  PERCEPTIQ_ADMIN_TOKEN: secret,
  PERCEPTIQ_KEY_SECRET: secret,
  PERCEPTIQ_CONTEXT_SECRET: secret,
  NATS_URL: optionalString,
  MONGODB_URI: optionalString.refine(
    (v) => v === undefined || /^mongodb(\+srv)?:\/\//.test(v),
    'must start with mongodb:// or mongodb+srv://',
  ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  BUS_REQUEST_TIMEOUT_MS: positiveInt(5_000),
  CONTEXT_TTL_SECONDS: positiveInt(30),
  // A hop limit, read by the gateway (subgraph answers) and the REST adapter (the gateway's) alike.
  SUBGRAPH_MAX_RESPONSE_BYTES: positiveInt(64 * 1024 * 1024),
  JSON_BODY_LIMIT_BYTES: positiveInt(10 * 1024 * 1024),
  ...serviceEnv,
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  mode: 'embedded' | 'distributed';
  host: string;
  logLevel: Env['LOG_LEVEL'];
  dataDir: string;
  /** Prometheus `/metrics`, on its own port: operators scrape it, partners never reach it. */
  metrics: { port: number };
  /**
   * Addresses or CIDR ranges of reverse proxies whose `X-Forwarded-For` is believed (Express
   * `trust proxy` syntax). Empty: the socket's address is the caller's, whatever a header says.
   */
  trustedProxies: string[];
  /**
   * Origins whose browser code may call the REST adapter and the gateway's `/graphql` (CORS):
   * `['*']` any, `[]` none. Admin routes are never open to other origins.
   */
  corsAllowedOrigins: string[];
  rest: { port: number; jsonBodyLimitBytes: number };
  gateway: {
    port: number;
    url: string;
    /** Largest answer read from a subgraph (or from the gateway, by the REST adapter); the socket is cut past it. */
    maxResponseBytes: number;
  };
  services: Record<ServiceName, { port: number; url: string }>;
  bus: { natsUrl?: string; requestTimeoutMs: number };
  store: { mongodbUri?: string };
  secrets: { adminToken?: string; keySecret?: string; contextSecret?: string };
  contextTtlSeconds: number;
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment variables: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** One component's settings: the env variables it reads (zod types, with defaults) and what it builds from them. */
export interface Settings<T = unknown, Shape extends z.ZodRawShape = z.ZodRawShape> {
  env: Shape;
  // A method, so a slice of a narrower shape still fits `Settings` (bivariant parameter).
  build(env: z.output<z.ZodObject<Shape>>): T;
}

export function defineSettings<Shape extends z.ZodRawShape, T>(settings: Settings<T, Shape>): Settings<T, Shape> {
  return settings;
}

export type SettingsOf<Slices extends Record<string, Settings>> = { [K in keyof Slices]: ReturnType<Slices[K]['build']> };

/** The platform's variables and every slice's, as one schema: one parse names every bad variable. */
export function composeEnvSchema(slices: Record<string, Settings>) {
  return z.object(Object.assign({}, EnvSchema.shape, ...Object.values(slices).map((slice) => slice.env)) as z.ZodRawShape);
}

/**
 * Parse an environment (default: `process.env`) into the platform's typed config plus each slice's
 * settings (under `settings`, by the slice's key), or throw naming every bad variable of them all.
 */
export function loadConfig<Slices extends Record<string, Settings> = Record<never, Settings>>(
  env: Record<string, string | undefined> = process.env,
  slices: Slices = {} as Slices,
): Config & { settings: SettingsOf<Slices> } {
  const parsed = composeEnvSchema(slices).safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const e = parsed.data as Env & Record<string, unknown>;
  const mode = e.NATS_URL ? 'distributed' : 'embedded';
  const problems: string[] = [];
  if (mode === 'distributed') {
    // Nothing can be generated safely when replicas must agree on it.
    for (const name of ['PERCEPTIQ_ADMIN_TOKEN', 'PERCEPTIQ_KEY_SECRET', 'PERCEPTIQ_CONTEXT_SECRET'] as const) {
      if (!e[name]) problems.push(`${name}: required when NATS_URL is set (distributed mode)`);
    }
  }
  if (problems.length) throw new ConfigError(problems);

  const loopback = e.HOST === '0.0.0.0' || e.HOST === '::' ? '127.0.0.1' : e.HOST;
  const services = Object.fromEntries(
    SERVICE_NAMES.map((name) => {
      const p = e[`${name.toUpperCase()}_PORT`] as number;
      const url = (e[`${name.toUpperCase()}_URL`] as string | undefined) ?? `http://${loopback}:${p}/graphql`;
      return [name, { port: p, url }];
    }),
  ) as Config['services'];

  return {
    mode,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    dataDir: e.PERCEPTIQ_DATA_DIR,
    metrics: { port: e.METRICS_PORT },
    trustedProxies: e.TRUSTED_PROXIES,
    corsAllowedOrigins: e.CORS_ALLOWED_ORIGINS,
    rest: { port: e.PORT, jsonBodyLimitBytes: e.JSON_BODY_LIMIT_BYTES },
    gateway: {
      port: e.GATEWAY_PORT,
      url: e.GATEWAY_URL ?? `http://${loopback}:${e.GATEWAY_PORT}/graphql`,
      maxResponseBytes: e.SUBGRAPH_MAX_RESPONSE_BYTES,
    },
    services,
    bus: { natsUrl: e.NATS_URL, requestTimeoutMs: e.BUS_REQUEST_TIMEOUT_MS },
    store: { mongodbUri: e.MONGODB_URI },
    secrets: { adminToken: e.PERCEPTIQ_ADMIN_TOKEN, keySecret: e.PERCEPTIQ_KEY_SECRET, contextSecret: e.PERCEPTIQ_CONTEXT_SECRET },
    contextTtlSeconds: e.CONTEXT_TTL_SECONDS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    settings: Object.fromEntries(Object.entries(slices).map(([key, slice]) => [key, slice.build(e)])) as SettingsOf<Slices>,
  };
}
