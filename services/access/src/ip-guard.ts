import type { AuthorizeAdmin, RateState, ReplyOf, RequestOf } from '@perceptiq/contracts';
import { constantTimeEqual, keyedHash } from '@perceptiq/platform';
import type { Count, RateCounter } from './rate-counter.js';

export interface IpGuardOptions {
  counter: RateCounter;
  keySecret: string;
  adminToken: string;
  adminFailuresPerIpPerMinute: number;
  accessRequestsPerIpPerMinute: number;
}

/**
 * Per-address protection of `/api/access/*`: the admin token check with its lockout, and the
 * budget of anonymous access requests. Addresses are the ones the edge can trust (the socket's,
 * or what a listed proxy says: TRUSTED_PROXIES), never a header the caller chose.
 *
 * Too many wrong tokens in a minute lock the address out until the minute ends: its wrong tokens
 * are then refused without being counted, and its access requests too. The right token is always
 * accepted: the lockout slows guessing, and must not let others deny the admin (many callers can
 * share one address, e.g. behind a proxy or a NAT).
 */
export class IpGuard {
  private readonly adminTokenHash: string;

  constructor(private readonly options: IpGuardOptions) {
    this.adminTokenHash = keyedHash(options.keySecret, options.adminToken);
  }

  async authorizeAdmin({ token_hash, ip }: RequestOf<typeof AuthorizeAdmin>): Promise<ReplyOf<typeof AuthorizeAdmin>> {
    if (constantTimeEqual(token_hash, this.adminTokenHash)) return { result: 'ok' };
    const failures = await this.failures(ip);
    if (locked(failures)) return { result: 'locked', retry_after_seconds: failures.reset_seconds };
    await this.options.counter.hit('admin_failure', ip, this.options.adminFailuresPerIpPerMinute);
    return { result: 'invalid' };
  }

  /** Count one access request from an address; `allowed` is false over budget or while locked out. */
  async admitAccessRequest(ip: string): Promise<RateState & { allowed: boolean }> {
    const limit = this.options.accessRequestsPerIpPerMinute;
    const failures = await this.failures(ip);
    if (locked(failures)) return { limit, remaining: 0, reset_seconds: failures.reset_seconds, allowed: false };
    const { count, ...rate } = await this.options.counter.hit('access_request', ip, limit);
    return { ...rate, allowed: count <= limit };
  }

  private failures(ip: string): Promise<Count> {
    return this.options.counter.peek('admin_failure', ip, this.options.adminFailuresPerIpPerMinute);
  }
}

const locked = (failures: Count): boolean => failures.count >= failures.limit;
