import { ClientIdentity } from '@perceptiq/contracts';
import { z } from 'zod';
import { constantTimeEqual, keyedHash } from './crypto.js';

/**
 * The signed client context: how the edge tells the gateway and the subgraphs who is calling
 * without ever forwarding a key. It is an allowlist of facts (principal, request id, client ip),
 * HMAC-signed with the context secret and short-lived, so a subgraph reached directly gives
 * nothing away and a captured header is useless after a few seconds.
 */
export const CONTEXT_HEADER = 'x-perceptiq-context';
export const CONTEXT_SIGNATURE_HEADER = 'x-perceptiq-context-sig';

const Principal = z.discriminatedUnion('type', [
  z.object({ type: z.literal('client'), client: ClientIdentity }),
  z.object({ type: z.literal('admin') }),
  z.object({ type: z.literal('public') }),
]);
export type Principal = z.infer<typeof Principal>;

const SignedContext = z.object({
  principal: Principal,
  request_id: z.string(),
  ip: z.string(),
  /** Expiry, epoch milliseconds. */
  exp: z.number(),
});
export type ClientContext = z.infer<typeof SignedContext>;

export interface ContextHeaders {
  [CONTEXT_HEADER]: string;
  [CONTEXT_SIGNATURE_HEADER]: string;
}

export class ContextSigner {
  constructor(
    private readonly secret: string,
    private readonly ttlMs: number,
  ) {}

  sign(ctx: Omit<ClientContext, 'exp'>, now = Date.now()): ContextHeaders {
    const body = Buffer.from(JSON.stringify({ ...ctx, exp: now + this.ttlMs })).toString('base64url');
    return { [CONTEXT_HEADER]: body, [CONTEXT_SIGNATURE_HEADER]: keyedHash(this.secret, body) };
  }

  /** The context if the headers carry a valid, unexpired signature; otherwise undefined. */
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
    return ctx.success && ctx.data.exp > now ? ctx.data : undefined;
  }
}
