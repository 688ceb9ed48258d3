import { ClientIdentity, type ServiceName } from '@perceptiq/contracts';
import { z } from 'zod';
import { constantTimeEqual, keyedHash } from './crypto.js';

/**
 * The signed client context: how the edge tells the gateway and the subgraphs who is calling
 * without ever forwarding a key. It is an allowlist of facts (principal, request id, client ip),
 * HMAC-signed with the context secret and short-lived, so a subgraph reached directly gives
 * nothing away and a captured header is useless after a few seconds, and anywhere but its audience.
 */
export const CONTEXT_HEADER = 'x-perceptiq-context';
export const CONTEXT_SIGNATURE_HEADER = 'x-perceptiq-context-sig';

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
  request_id: z.string(),
  ip: z.string(),
  aud: z.string(),
  /** Expiry, epoch milliseconds. */
  exp: z.number(),
});
export type ClientContext = z.infer<typeof SignedContext>;

/** Who is calling, as the edge established it: what a context carries, before it is signed for a hop. */
export type CallerContext = Omit<ClientContext, 'exp' | 'aud'>;

export interface ContextHeaders {
  [CONTEXT_HEADER]: string;
  [CONTEXT_SIGNATURE_HEADER]: string;
}

/** Clocks of two processes may disagree this much without a fresh context being refused. */
const CLOCK_SKEW_MS = 1_000;

export class ContextSigner {
  /**
   * @param audience what this process accepts in `verify` (the REST adapter only signs: it names
   *   itself, which no context is ever addressed to).
   */
  constructor(
    private readonly secret: string,
    private readonly ttlMs: number,
    private readonly audience: ContextAudience | 'rest-adapter',
  ) {}

  sign(ctx: CallerContext, audience: ContextAudience, now = Date.now()): ContextHeaders {
    const body = Buffer.from(JSON.stringify({ ...ctx, aud: audience, exp: now + this.ttlMs })).toString('base64url');
    return { [CONTEXT_HEADER]: body, [CONTEXT_SIGNATURE_HEADER]: keyedHash(this.secret, body) };
  }

  /**
   * The context if the headers carry a valid signature, for this audience, unexpired, and expiring
   * no later than a context issued now would (whoever signed it cannot mint a long-lived one).
   */
  verify(body: unknown, signature: unknown, now = Date.now()): ClientContext | undefined {
    if (typeof body !== 'string' || typeof signature !== 'string' || body.length > 16_384) return undefined;
    if (!constantTimeEqual(keyedHash(this.secret, body), signature)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const ctx = SignedContext.safeParse(parsed);
    if (!ctx.success || ctx.data.aud !== this.audience) return undefined;
    return ctx.data.exp > now && ctx.data.exp <= now + this.ttlMs + CLOCK_SKEW_MS ? ctx.data : undefined;
  }
}
