import type { Scope, Tier } from '@perceptiq/contracts';
import type { Collection, Store } from '@perceptiq/platform';

/** Stored shapes (snake_case, like the REST contract). Times are ISO-8601 UTC strings. */

export type ClientStatus = 'active' | 'revoked';

export type ClientDoc = {
  _id: string;
  email: string;
  company: string;
  /** Email + company as compared (decisions.md). */
  email_company: string;
  /**
   * Unique: `email_company` while the client is active, the client's own id once revoked, so a
   * company has at most one active client and can be enabled again after a revocation.
   */
  active_key: string;
  tier: Tier;
  scopes: Scope[];
  rate_limit_rpm: number;
  /** Prefix of the newest key. */
  key_prefix: string;
  status: ClientStatus;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  request_id: string | null;
  enabled_without_request: boolean;
};

/** One key of a client, stored by its keyed hash (`_id`); the key itself is never stored. */
export type KeyDoc = {
  _id: string;
  client_id: string;
  key_prefix: string;
  created_at: string;
  /** Set when a newer key replaced this one (after the rotation grace); null while current. */
  expires_at: string | null;
};

export type RequestStatus = 'pending' | 'enabled';

export type RequestDoc = {
  _id: string;
  full_name: string;
  email: string;
  company: string;
  requested_tier: Tier;
  use_case: string;
  expected_monthly_documents: number;
  email_company: string;
  /**
   * Unique: `email_company` while pending, the request's own id once enabled. The unique index
   * makes "the same pending email+company is the same request" hold under concurrent requests.
   */
  pending_key: string;
  status: RequestStatus;
  created_at: string;
  enabled_at: string | null;
  client_id: string | null;
};

export type AuditAction = 'access.requested' | 'access.enabled' | 'key.rotated' | 'access.revoked';
export type AuditActor = 'admin' | 'public';

export type AuditDoc = {
  _id: string;
  at: string;
  actor: AuditActor;
  action: AuditAction;
  client_id: string | null;
  request_id: string | null;
  reason: string | null;
  ip: string;
  details: Record<string, unknown>;
};

export type CounterDoc = {
  _id: string;
  count: number;
  expires_at: string;
};

export interface AccessCollections {
  clients: Collection<ClientDoc>;
  keys: Collection<KeyDoc>;
  requests: Collection<RequestDoc>;
  audit: Collection<AuditDoc>;
  counters: Collection<CounterDoc>;
}

export function accessCollections(store: Store): AccessCollections {
  return {
    clients: store.collection<ClientDoc>('clients'),
    keys: store.collection<KeyDoc>('keys'),
    requests: store.collection<RequestDoc>('access_requests'),
    audit: store.collection<AuditDoc>('audit'),
    counters: store.collection<CounterDoc>('rate_counters'),
  };
}

export async function createIndexes(c: AccessCollections): Promise<void> {
  await Promise.all([
    c.clients.createIndex({ keys: { active_key: 1 }, unique: true }),
    c.keys.createIndex({ keys: { client_id: 1 } }),
    c.requests.createIndex({ keys: { pending_key: 1 }, unique: true }),
    c.requests.createIndex({ keys: { status: 1, created_at: -1 } }),
    c.audit.createIndex({ keys: { at: -1 } }),
    c.audit.createIndex({ keys: { client_id: 1, at: -1 } }),
    c.counters.createIndex({ keys: { expires_at: 1 } }),
  ]);
}

/** Emails are compared lower-cased and trimmed (the zod body already did both); companies trimmed and case-insensitively. */
export function emailCompanyKey(email: string, company: string): string {
  return JSON.stringify([email.trim().toLowerCase(), company.trim().toLowerCase()]);
}
