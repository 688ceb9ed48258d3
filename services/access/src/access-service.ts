import {
  AccessRequestBody,
  AuditQuery,
  ClientChanged,
  EnableBody,
  RequestsQuery,
  RevokeBody,
  RotateBody,
  SCOPES,
  TIER_RATE_LIMIT_RPM,
  TIER_SCOPES,
  type EventOf,
  type Scope,
} from '@perceptiq/contracts';
import { AppError, type Bus, isAppError, type Logger, newId, notFound, parseOrThrow } from '@perceptiq/platform';
import type { AccessCollections, AuditAction, AuditActor, AuditDoc, ClientDoc, RequestDoc } from './records.js';
import { emailCompanyKey } from './records.js';
import { issueKey } from './keys.js';
import { auditView, clientView, requestView } from './views.js';

/** Who made a change, for the audit log. */
export interface Actor {
  actor: AuditActor;
  ip: string;
}

export interface AccessServiceOptions {
  collections: Omit<AccessCollections, 'counters'>;
  bus: Bus;
  keySecret: string;
  logger: Logger;
  now: () => number;
}

const CLIENT_ID_LENGTH = 12;

/**
 * Access requests and the client lifecycle (enable, rotate, revoke), each change audited and
 * announced with `ClientChanged`. Inputs arrive as snake_case objects from any transport and are
 * validated here with the contract's bodies, so every caller gets the same rules.
 */
export class AccessService {
  constructor(private readonly options: AccessServiceOptions) {}

  async requestAccess(input: unknown, by: Actor) {
    const body = parseOrThrow(AccessRequestBody, input);
    const emailCompany = emailCompanyKey(body.email, body.company);
    // Asking again after being enabled is almost always a lost key: a new pending request would
    // sit in the admin's inbox for a company that has access. Say which client has it instead.
    const active = await this.options.collections.clients.findOne({ active_key: emailCompany });
    if (active) throw alreadyHasAccess(active._id);
    const doc: RequestDoc = {
      _id: newId('accessRequest'),
      ...body,
      email_company: emailCompany,
      pending_key: emailCompany,
      status: 'pending',
      created_at: this.isoNow(),
      enabled_at: null,
      client_id: null,
    };
    try {
      await this.options.collections.requests.insertOne(doc);
    } catch (err) {
      // A pending request for this email+company exists already: it is the same request.
      const pending = isConflict(err) && (await this.options.collections.requests.findOne({ pending_key: emailCompany }));
      if (!pending) throw err;
      return receipt(pending);
    }
    await this.audit(by, 'access.requested', { request_id: doc._id, details: { requested_tier: body.requested_tier } });
    return receipt(doc);
  }

  async enable(input: unknown, by: Actor) {
    const body = parseOrThrow(EnableBody, input);
    const { clients, keys, requests } = this.options.collections;
    const emailCompany = emailCompanyKey(body.email, body.company);
    const existing = await clients.findOne({ active_key: emailCompany });
    if (existing) throw alreadyEnabled(existing._id);

    const request = await requests.findOne({ pending_key: emailCompany });
    const createdAt = this.isoNow();
    const key = issueKey(this.options.keySecret);
    const client: ClientDoc = {
      _id: newId('client', CLIENT_ID_LENGTH),
      email: body.email,
      company: body.company,
      email_company: emailCompany,
      active_key: emailCompany,
      tier: body.tier,
      scopes: body.scopes ? inScopeOrder(body.scopes) : [...TIER_SCOPES[body.tier]],
      rate_limit_rpm: body.rate_limit_rpm ?? TIER_RATE_LIMIT_RPM[body.tier],
      key_prefix: key.prefix,
      status: 'active',
      created_at: createdAt,
      last_used_at: null,
      revoked_at: null,
      request_id: request?._id ?? null,
      enabled_without_request: !request,
    };
    try {
      await clients.insertOne(client);
    } catch (err) {
      // The unique index caught a concurrent enable of the same email+company.
      throw isConflict(err) ? alreadyEnabled() : err;
    }
    await keys.insertOne({ _id: key.hash, client_id: client._id, key_prefix: key.prefix, created_at: createdAt, expires_at: null });
    if (request) {
      await requests.updateOne(
        { _id: request._id, status: 'pending' },
        // The request leaves the pending slot, so a later request for the company can be pending again.
        { $set: { status: 'enabled', enabled_at: createdAt, client_id: client._id, pending_key: request._id } },
      );
    }
    await this.audit(by, 'access.enabled', {
      client_id: client._id,
      request_id: client.request_id,
      details: {
        tier: client.tier,
        scopes: client.scopes,
        rate_limit_rpm: client.rate_limit_rpm,
        key_prefix: key.prefix,
        enabled_without_request: client.enabled_without_request,
      },
    });
    await this.announce({ client_id: client._id, change: 'enabled', at: createdAt });
    return {
      client_id: client._id,
      api_key: key.key,
      key_prefix: key.prefix,
      tier: client.tier,
      scopes: client.scopes,
      rate_limit_rpm: client.rate_limit_rpm,
      created_at: createdAt,
    };
  }

  async rotate(input: unknown, by: Actor) {
    const body = parseOrThrow(RotateBody, input);
    const { clients, keys } = this.options.collections;
    const client = await clients.findOne({ _id: body.client_id });
    if (!client) throw notFound('Client');
    if (client.status === 'revoked') throw new AppError('conflict', 'The client is revoked; its keys cannot be rotated.', { client_id: client._id });

    const now = this.options.now();
    const rotatedAt = new Date(now).toISOString();
    const previousExpiresAt = new Date(now + body.grace_seconds * 1000).toISOString();
    const key = issueKey(this.options.keySecret);
    await keys.insertOne({ _id: key.hash, client_id: client._id, key_prefix: key.prefix, created_at: rotatedAt, expires_at: null });
    // Every older key still valid after the grace ends with it; none gets a later expiry than it had.
    await keys.updateMany(
      { client_id: client._id, _id: { $ne: key.hash }, $or: [{ expires_at: null }, { expires_at: { $gt: previousExpiresAt } }] },
      { $set: { expires_at: previousExpiresAt } },
    );
    await clients.updateOne({ _id: client._id }, { $set: { key_prefix: key.prefix } });
    await this.audit(by, 'key.rotated', {
      client_id: client._id,
      reason: body.reason,
      details: { key_prefix: key.prefix, grace_seconds: body.grace_seconds, previous_key_expires_at: previousExpiresAt },
    });
    await this.announce({ client_id: client._id, change: 'rotated', at: rotatedAt });
    return {
      client_id: client._id,
      api_key: key.key,
      key_prefix: key.prefix,
      rotated_at: rotatedAt,
      previous_key_expires_at: previousExpiresAt,
    };
  }

  /** Idempotent: revoking a revoked client answers its original `revoked_at`. */
  async revoke(input: unknown, by: Actor) {
    const body = parseOrThrow(RevokeBody, input);
    const { clients } = this.options.collections;
    const revokedAt = this.isoNow();
    const revoked = await clients.findOneAndUpdate(
      { _id: body.client_id, status: 'active' },
      { $set: { status: 'revoked', revoked_at: revokedAt, active_key: body.client_id } },
      { returnDocument: 'after' },
    );
    if (!revoked) {
      const existing = await clients.findOne({ _id: body.client_id });
      if (!existing?.revoked_at) throw notFound('Client');
      return { client_id: existing._id, revoked_at: existing.revoked_at };
    }
    await this.audit(by, 'access.revoked', { client_id: revoked._id, reason: body.reason });
    await this.announce({ client_id: revoked._id, change: 'revoked', at: revokedAt });
    return { client_id: revoked._id, revoked_at: revokedAt };
  }

  /** Newest first; pending only unless asked otherwise (the admin's inbox). */
  async listRequests(query: unknown) {
    const { status } = parseOrThrow(RequestsQuery, query);
    const docs = await this.options.collections.requests
      .find(status === 'all' ? {} : { status }, { sort: { created_at: -1 } })
      .toArray();
    return docs.map(requestView);
  }

  async listClients() {
    const docs = await this.options.collections.clients.find({}, { sort: { created_at: -1 } }).toArray();
    return docs.map(clientView);
  }

  /** Newest first. */
  async auditLog(query: unknown) {
    const { client_id, limit } = parseOrThrow(AuditQuery, query);
    const docs = await this.options.collections.audit
      .find(client_id ? { client_id } : {}, { sort: { at: -1 }, limit })
      .toArray();
    return docs.map(auditView);
  }

  private async audit(
    by: Actor,
    action: AuditAction,
    entry: Partial<Pick<AuditDoc, 'client_id' | 'request_id' | 'reason' | 'details'>>,
  ): Promise<void> {
    await this.options.collections.audit.insertOne({
      _id: newId('audit'),
      at: this.isoNow(),
      actor: by.actor,
      action,
      client_id: entry.client_id ?? null,
      request_id: entry.request_id ?? null,
      reason: entry.reason ?? null,
      ip: by.ip,
      details: entry.details ?? {},
    });
  }

  /**
   * Tell every replica to drop its cached keys of the client. The change is already stored, so a
   * failed publish must not fail the call (an issued key would be lost); the caches' expiry bounds it.
   */
  private async announce(event: EventOf<typeof ClientChanged>): Promise<void> {
    try {
      await this.options.bus.publish(ClientChanged, event);
    } catch (err) {
      this.options.logger.error({ err, clientId: event.client_id, change: event.change }, 'could not publish ClientChanged');
    }
  }

  private isoNow(): string {
    return new Date(this.options.now()).toISOString();
  }
}

const receipt = (r: RequestDoc) => ({ request_id: r._id, status: 'pending' as const });

const isConflict = (err: unknown): boolean => isAppError(err) && err.code === 'conflict';

function alreadyEnabled(clientId?: string): AppError {
  return new AppError(
    'conflict',
    'This email and company already have access; rotate the key instead.',
    clientId ? { client_id: clientId } : undefined,
  );
}

function alreadyHasAccess(clientId: string): AppError {
  return new AppError(
    'conflict',
    `This email and company already have access as client ${clientId}; if the key is lost, ask the admin to rotate it.`,
    { client_id: clientId },
  );
}

/** Deduplicated, in the order of the scope table. */
function inScopeOrder(scopes: readonly Scope[]): Scope[] {
  return SCOPES.filter((s) => scopes.includes(s));
}
