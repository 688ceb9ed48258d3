import { AuthorizeAdmin, AuthorizeKey, type ClientIdentity, type RateState } from '@perceptiq/contracts';
import type { Bus } from './bus/types.js';
import { keyedHash } from './crypto.js';
import { AppError } from './errors.js';

/** What an authenticated key call resolves to at the edge. */
export interface KeyAuthorization {
  client: ClientIdentity;
  rate: RateState;
}

/** `X-RateLimit-*` headers for a rate state (sent on every authenticated response). */
export function rateHeaders(rate: RateState): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(rate.limit),
    'X-RateLimit-Remaining': String(rate.remaining),
    'X-RateLimit-Reset': String(rate.reset_seconds),
  };
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const KEY_SHAPE = /^pa_live_[A-Za-z0-9_-]{32,128}$/;

/**
 * Authentication and rate counting at the edge (REST adapter and gateway alike). Keys and admin
 * tokens are hashed here with the key secret, so only keyed hashes ever cross the bus; the access
 * service looks them up, checks them in constant time and counts the call in one round trip.
 */
export class EdgeAuthenticator {
  constructor(
    private readonly bus: Bus,
    private readonly keySecret: string,
  ) {}

  /**
   * Resolve an `Authorization` header to the calling client, counting the call; throws 401 or 429.
   * `onCounted` learns the client of every counted call, refused ones included (for usage metrics).
   */
  async authorizeKey(authorization: string | undefined, onCounted?: (clientId: string) => void): Promise<KeyAuthorization> {
    if (!authorization) {
      throw new AppError('invalid_token', 'An API key is required: send "Authorization: Bearer pa_live_…".', undefined, {
        'WWW-Authenticate': 'Bearer',
      });
    }
    const key = BEARER.exec(authorization)?.[1];
    const invalid = () =>
      new AppError('invalid_token', 'The API key is invalid, revoked or expired.', undefined, {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
    if (!key || !KEY_SHAPE.test(key)) throw invalid();
    const reply = await this.bus.request(AuthorizeKey, { key_hash: keyedHash(this.keySecret, key) });
    if (!reply.ok) throw invalid();
    onCounted?.(reply.client.client_id);
    if (!reply.allowed) {
      throw new AppError(
        'rate_limited',
        `Rate limit of ${reply.rate.limit} requests a minute exceeded; retry in ${reply.rate.reset_seconds} s.`,
        { limit: reply.rate.limit, retry_after_seconds: reply.rate.reset_seconds },
        { ...rateHeaders(reply.rate), 'Retry-After': String(reply.rate.reset_seconds) },
      );
    }
    return { client: reply.client, rate: reply.rate };
  }

  /** Check an `x-admin-token`; throws 401 `invalid_admin_token`, or 429 once the address is locked out. */
  async authorizeAdmin(token: string | undefined, ip: string): Promise<void> {
    const reply = await this.bus.request(AuthorizeAdmin, {
      token_hash: keyedHash(this.keySecret, token ?? ''),
      ip,
    });
    if (reply.result === 'ok' && token) return;
    if (reply.result === 'locked') throw tooManyFromAddress(reply.retry_after_seconds);
    throw new AppError('invalid_admin_token', 'A valid x-admin-token header is required.');
  }
}

/** 429 for an address that spent its budget (or is locked out); the access service throws it too. */
export function tooManyFromAddress(seconds: number): AppError {
  return new AppError('rate_limited', `Too many requests from this address; retry in ${seconds} s.`, { retry_after_seconds: seconds }, {
    'Retry-After': String(seconds),
  });
}
