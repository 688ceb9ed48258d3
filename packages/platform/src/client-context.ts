import { createSecretKey, type KeyObject } from 'node:crypto';
import { ClientIdentity, type ServiceName } from '@perceptiq/contracts';
import { z } from 'zod';
import { constantTimeEqual, keyedHash } from './crypto.js';
import { requestIdFrom } from './request-context.js';

/**
 * The signed client context: how the edge tells the gateway and the subgraphs who is calling
 * without ever forwarding a key. It is an allowlist of facts (principal, client ip), HMAC-signed
 * with the context secret and short-lived, so a subgraph reached directly gives nothing away and a
 * captured header is useless after a few seconds, and anywhere but its audience. The request id
 * travels beside it, unsigned (`x-request-id`): it only correlates logs, and leaving it out lets one
 * signature serve a caller's every call for a while (signing and checking were a tenth of a hop's CPU).
 */
export const CONTEXT_HEADER = 'x-perceptiq-context';
export const CONTEXT_SIGNATURE_HEADER = 'x-perceptiq-context-sig';
const REQUEST_ID_HEADER = 'x-request-id';

const Principal = z.discriminatedUnion('type', [
  z.object({ type: z.literal('client'), client: ClientIdentity }),
  z.object({ type: z.literal('admin') }),
  z.object({ type: z.literal('public') }),
]);
export type Principal = z.infer<typeof Principal>;

/**
 * Who a context is for: the gateway (from the REST adapter) or one service (from the gateway, or
 * the REST adapter's byte streams). A context is accepted only by its audience, so one captured
 * on its way to a subgraph cannot be replayed against the gateway or another service.
 */
export type ContextAudience = 'gateway' | ServiceName;

const SignedContext = z.object({
  principal: Principal,
  ip: z.string(),
  aud: z.string(),
  /** Expiry, epoch milliseconds. */
  exp: z.number(),
});
type SignedFacts = z.infer<typeof SignedContext>;
export type ClientContext = SignedFacts & { request_id: string };

/** Who is calling, as the edge established it: what a context carries, before it is signed for a hop. */
export type CallerContext = Omit<ClientContext, 'exp' | 'aud'>;

// A type, not an interface: it is passed where any header record is (an interface has no index signature).
export type ContextHeaders = {
  [CONTEXT_HEADER]: string;
  [CONTEXT_SIGNATURE_HEADER]: string;
  [REQUEST_ID_HEADER]: string;
};

/** Contexts signed, and contexts checked, kept per process: a caller's calls repeat the same few. */
const CACHE_SIZE = 10_000;

/** Clocks of two processes may disagree this much without a fresh context being refused. */
const CLOCK_SKEW_MS = 1_000;

export class ContextSigner {
  private readonly key: KeyObject;
  /** By audience, ip and principal: the headers, reused until half their lifetime has passed. */
  private readonly signed = new Map<string, { body: string; signature: string; renewAt: number }>();
  /** By signed body: its valid signature and what it says. */
  private readonly verified = new Map<string, { signature: string; facts: SignedFacts }>();

  /**
   * @param audience what this process accepts in `verify` (the REST adapter only signs: it names
   *   itself, which no context is ever addressed to).
   */
  constructor(
    secret: string,
    private readonly ttlMs: number,
    private readonly audience: ContextAudience | 'rest-adapter',
  ) {
    this.key = createSecretKey(Buffer.from(secret));
  }

  sign(ctx: CallerContext, audience: ContextAudience, now = Date.now()): ContextHeaders {
    const id = `${audience}\u0000${ctx.ip}\u0000${JSON.stringify(ctx.principal)}`;
    let entry = this.signed.get(id);
    if (!entry || now >= entry.renewAt || now < entry.renewAt - this.ttlMs) {
      const facts: SignedFacts = { principal: ctx.principal, ip: ctx.ip, aud: audience, exp: now + this.ttlMs };
      const body = Buffer.from(JSON.stringify(facts)).toString('base64url');
      entry = { body, signature: keyedHash(this.key, body), renewAt: now + this.ttlMs / 2 };
      remember(this.signed, id, entry);
    }
    return { [CONTEXT_HEADER]: entry.body, [CONTEXT_SIGNATURE_HEADER]: entry.signature, [REQUEST_ID_HEADER]: ctx.request_id };
  }

  /**
   * The context if the headers carry a valid signature, for this audience, unexpired, and expiring
   * no later than a context issued now would (whoever signed it cannot mint a long-lived one); its
   * request id from `x-request-id`.
   */
  verify(headers: Readonly<Record<string, unknown>>, now = Date.now()): ClientContext | undefined {
    const body = headers[CONTEXT_HEADER];
    const signature = headers[CONTEXT_SIGNATURE_HEADER];
    if (typeof body !== 'string' || typeof signature !== 'string' || body.length > 16_384) return undefined;
    const facts = this.checked(body, signature);
    if (!facts || facts.exp <= now || facts.exp > now + this.ttlMs + CLOCK_SKEW_MS) return undefined;
    return { ...facts, request_id: requestIdFrom(headers[REQUEST_ID_HEADER]) };
  }

  /** What a body says if the signature is its own and it is for this audience (looked up by body, then compared in constant time). */
  private checked(body: string, signature: string): SignedFacts | undefined {
    const known = this.verified.get(body);
    if (known) return constantTimeEqual(known.signature, signature) ? known.facts : undefined;
    const expected = keyedHash(this.key, body);
    if (!constantTimeEqual(expected, signature)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const ctx = SignedContext.safeParse(parsed);
    if (!ctx.success || ctx.data.aud !== this.audience) return undefined;
    remember(this.verified, body, { signature: expected, facts: ctx.data });
    return ctx.data;
  }
}

/** Keep an entry, dropping the oldest once the cache is full (expired entries are never answered from). */
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  cache.delete(key);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
}
