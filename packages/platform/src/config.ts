import { isIP } from 'node:net';
import { z } from 'zod';
import { SERVICE_DEFAULT_PORT, SERVICE_NAMES, type ServiceName } from '@perceptiq/contracts';

/**
 * Every setting is an environment variable, validated once at start-up. A bad value stops the
 * process with a message naming every bad variable (not just the first). `.env.example` lists them all.
 */
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
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

const serviceEnv = Object.fromEntries(
  SERVICE_NAMES.flatMap((name) => [
    [`${name.toUpperCase()}_PORT`, port(SERVICE_DEFAULT_PORT[name])],
    [`${name.toUpperCase()}_URL`, optionalString.pipe(z.url().optional())],
  ]),
) as Record<string, z.ZodType>;

export const EnvSchema = z.object({
  PORT: port(8100),
  GATEWAY_PORT: port(4000),
  GATEWAY_URL: optionalString.pipe(z.url().optional()),
  METRICS_PORT: port(9464),
  TRUSTED_PROXIES: stringList.refine(
    (list) => list.every(isProxyAddress),
    'must list IP addresses, CIDR ranges (10.0.0.0/8) or loopback, linklocal, uniquelocal, comma-separated',
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
  LLM_BASE_URL: optionalString.pipe(z.url().optional()),
  LLM_MODEL: optionalString,
  LLM_API_KEY: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  BUS_REQUEST_TIMEOUT_MS: positiveInt(5_000),
  CONTEXT_TTL_SECONDS: positiveInt(30),
  GRAPHQL_MAX_DEPTH: positiveInt(12),
  GRAPHQL_MAX_COST: positiveInt(1_000_000),
  GRAPHQL_MAX_ALIASES: positiveInt(15),
  SUBGRAPH_MAX_RESPONSE_BYTES: positiveInt(64 * 1024 * 1024),
  GATEWAY_PASSTHROUGH: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  JSON_BODY_LIMIT_BYTES: positiveInt(10 * 1024 * 1024),
  ACCESS_REQUESTS_PER_IP_PER_MINUTE: positiveInt(10),
  ADMIN_FAILURES_PER_IP_PER_MINUTE: positiveInt(10),
  UPLOAD_MAX_FILE_BYTES: positiveInt(50 * 1024 * 1024),
  UPLOAD_MAX_FILES: positiveInt(20),
  DOCUMENT_MAX_PAGES: positiveInt(500),
  IMAGE_MAX_PIXELS: positiveInt(100_000_000),
  OCR_WORKERS: z.coerce.number().int().min(0).default(0),
  OCR_DPI: positiveInt(300),
  OCR_TESSDATA_DIR: z.string().default(''),
  OCR_MAX_PAGE_INCHES: positiveInt(20),
  OCR_PAGE_BUDGET_MS: positiveInt(20_000),
  JOB_MAX_DELIVERIES: positiveInt(3),
  JOB_ACK_WAIT_MS: positiveInt(60_000),
  EXTRACT_MAX_MEMORY_MB: positiveInt(512),
  EXTRACT_TIMEOUT_MS: positiveInt(60_000),
  DOCX_MAX_XML_BYTES: positiveInt(32 * 1024 * 1024),
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
  rest: { port: number; jsonBodyLimitBytes: number; accessRequestsPerIpPerMinute: number; adminFailuresPerIpPerMinute: number };
  gateway: {
    port: number;
    url: string;
    maxDepth: number;
    /** Highest estimated cost of one operation, list sizes included (gateway/src/operation-cost.ts). */
    maxCost: number;
    maxAliases: number;
    /** Largest answer read from a subgraph (or from the gateway, by the REST adapter); the socket is cut past it. */
    maxResponseBytes: number;
    passthrough: boolean;
  };
  services: Record<ServiceName, { port: number; url: string }>;
  bus: { natsUrl?: string; requestTimeoutMs: number };
  store: { mongodbUri?: string };
  secrets: { adminToken?: string; keySecret?: string; contextSecret?: string };
  contextTtlSeconds: number;
  shutdownTimeoutMs: number;
  llm: { baseUrl?: string; model?: string; apiKey?: string };
  ingest: {
    maxFileBytes: number;
    maxFiles: number;
    maxPages: number;
    maxImagePixels: number;
    /** OCR workers; 0 = one per core. */
    ocrWorkers: number;
    ocrDpi: number;
    /** Directory of `<lang>.traineddata` for every OCR language and `osd`; '' = the bundled models. */
    ocrTessdataDir: string;
    /** Side, in inches, of the largest square page rendered at full `ocrDpi`; larger pages get its pixels at a lower DPI. */
    ocrMaxPageInches: number;
    /** How long a document's OCR (rendering included) may take per page it has, in all, before it fails. */
    ocrPageBudgetMs: number;
    jobMaxDeliveries: number;
    jobAckWaitMs: number;
    /** Heap cap of the sandbox process that reads a document, in MB. */
    extractMaxMemoryMb: number;
    /** Longest the sandbox may take to produce one page (the first includes opening the file). */
    extractTimeoutMs: number;
    /** Most XML a DOCX may inflate to, counted as it inflates. */
    docxMaxXmlBytes: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment variables: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parse an environment (default: `process.env`) into a typed config, or throw naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
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
    rest: {
      port: e.PORT,
      jsonBodyLimitBytes: e.JSON_BODY_LIMIT_BYTES,
      accessRequestsPerIpPerMinute: e.ACCESS_REQUESTS_PER_IP_PER_MINUTE,
      adminFailuresPerIpPerMinute: e.ADMIN_FAILURES_PER_IP_PER_MINUTE,
    },
    gateway: {
      port: e.GATEWAY_PORT,
      url: e.GATEWAY_URL ?? `http://${loopback}:${e.GATEWAY_PORT}/graphql`,
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxResponseBytes: e.SUBGRAPH_MAX_RESPONSE_BYTES,
      passthrough: e.GATEWAY_PASSTHROUGH,
    },
    services,
    bus: { natsUrl: e.NATS_URL, requestTimeoutMs: e.BUS_REQUEST_TIMEOUT_MS },
    store: { mongodbUri: e.MONGODB_URI },
    secrets: { adminToken: e.PERCEPTIQ_ADMIN_TOKEN, keySecret: e.PERCEPTIQ_KEY_SECRET, contextSecret: e.PERCEPTIQ_CONTEXT_SECRET },
    contextTtlSeconds: e.CONTEXT_TTL_SECONDS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    llm: { baseUrl: e.LLM_BASE_URL, model: e.LLM_MODEL, apiKey: e.LLM_API_KEY },
    ingest: {
      maxFileBytes: e.UPLOAD_MAX_FILE_BYTES,
      maxFiles: e.UPLOAD_MAX_FILES,
      maxPages: e.DOCUMENT_MAX_PAGES,
      maxImagePixels: e.IMAGE_MAX_PIXELS,
      ocrWorkers: e.OCR_WORKERS,
      ocrDpi: e.OCR_DPI,
      ocrTessdataDir: e.OCR_TESSDATA_DIR,
      ocrMaxPageInches: e.OCR_MAX_PAGE_INCHES,
      ocrPageBudgetMs: e.OCR_PAGE_BUDGET_MS,
      jobMaxDeliveries: e.JOB_MAX_DELIVERIES,
      jobAckWaitMs: e.JOB_ACK_WAIT_MS,
      extractMaxMemoryMb: e.EXTRACT_MAX_MEMORY_MB,
      extractTimeoutMs: e.EXTRACT_TIMEOUT_MS,
      docxMaxXmlBytes: e.DOCX_MAX_XML_BYTES,
    },
  };
}
