import { z } from 'zod';
import { defineEvent, defineRequest } from './define.js';
import { SCOPES, TIERS } from './scopes.js';

/** The authenticated caller as the edge knows it, after a key has been checked. */
export const ClientIdentity = z.object({
  client_id: z.string(),
  company: z.string(),
  tier: z.enum(TIERS),
  scopes: z.array(z.enum(SCOPES)),
  rate_limit_rpm: z.number().int(),
});
export type ClientIdentity = z.infer<typeof ClientIdentity>;

export const RateState = z.object({
  limit: z.number().int(),
  remaining: z.number().int(),
  /** Whole seconds until the current window resets. */
  reset_seconds: z.number().int(),
});
export type RateState = z.infer<typeof RateState>;

/**
 * Authenticate a key by its keyed hash and count the call against the client's per-minute
 * limit, in one round trip. The edge never sends a raw key over the bus.
 */
export const AuthorizeKey = defineRequest(
  'access.key.authorize',
  z.object({ key_hash: z.string() }),
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), client: ClientIdentity, rate: RateState, allowed: z.boolean() }),
    z.object({ ok: z.literal(false), reason: z.enum(['unknown', 'revoked', 'expired']) }),
  ]),
);

/**
 * Check an admin token (by keyed hash). Wrong tokens are counted per address; an address with
 * too many failures in the current minute is locked out of every `/api/access/*` call.
 */
export const AuthorizeAdmin = defineRequest(
  'access.admin.authorize',
  z.object({ token_hash: z.string(), ip: z.string() }),
  z.discriminatedUnion('result', [
    z.object({ result: z.literal('ok') }),
    z.object({ result: z.literal('invalid') }),
    z.object({ result: z.literal('locked'), retry_after_seconds: z.number().int() }),
  ]),
);

/** A client's keys, scopes or status changed: every cache of it must be dropped now. */
export const ClientChanged = defineEvent(
  'access.client.changed',
  1,
  z.object({
    client_id: z.string(),
    change: z.enum(['enabled', 'rotated', 'revoked', 'updated']),
    at: z.string(),
  }),
);

/**
 * A client's authenticated API calls (refused ones included) over a short interval, counted by
 * scope and status at the edge and sent in one event: usage metrics need counts, not a message
 * per call on the hot path.
 */
export const ApiUsageRecorded = defineEvent(
  'api.usage.recorded',
  1,
  z.object({
    client_id: z.string(),
    /** Interval covered, ISO-8601. */
    from: z.string(),
    to: z.string(),
    counts: z.array(
      z.object({
        /** The scope of the path called (`me` for `/v1/me`, `graphql` for the gateway). */
        scope: z.string(),
        status: z.number().int(),
        count: z.number().int().positive(),
      }),
    ),
  }),
);
