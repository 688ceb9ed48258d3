import type { AuthorizeAdmin, ConsumeIpBudget, ReplyOf, RequestOf } from '@perceptiq/contracts';
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
 * Per-address protection of `/api/access/*`: the admin token check with its lockout (too many
 * wrong tokens in a minute lock the address out of every access call until the minute ends),
 * and the budget of anonymous access requests.
 */
export class IpGuard {
  private readonly adminTokenHash: string;

  constructor(private readonly options: IpGuardOptions) {
    this.adminTokenHash = keyedHash(options.keySecret, options.adminToken);
  }

  async authorizeAdmin({ token_hash, ip }: RequestOf<typeof AuthorizeAdmin>): Promise<ReplyOf<typeof AuthorizeAdmin>> {
    const failures = await this.failures(ip);
    if (locked(failures)) return { result: 'locked', retry_after_seconds: failures.reset_seconds };
    if (constantTimeEqual(token_hash, this.adminTokenHash)) return { result: 'ok' };
    await this.options.counter.hit('admin_failure', ip, this.options.adminFailuresPerIpPerMinute);
    return { result: 'invalid' };
  }

  async consume({ bucket, ip }: RequestOf<typeof ConsumeIpBudget>): Promise<ReplyOf<typeof ConsumeIpBudget>> {
    const limit = this.options.accessRequestsPerIpPerMinute;
    const failures = await this.failures(ip);
    if (locked(failures)) return { limit, remaining: 0, reset_seconds: failures.reset_seconds, allowed: false };
    const { count, ...rate } = await this.options.counter.hit(bucket, ip, limit);
    return { ...rate, allowed: count <= limit };
  }

  private failures(ip: string): Promise<Count> {
    return this.options.counter.peek('admin_failure', ip, this.options.adminFailuresPerIpPerMinute);
  }
}

const locked = (failures: Count): boolean => failures.count >= failures.limit;
