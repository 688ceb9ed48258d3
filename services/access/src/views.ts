import type { AuditDoc, ClientDoc, RequestDoc } from './records.js';

/** What callers see of stored records (REST shape, snake_case): never a key or its hash. */

export const clientView = (c: ClientDoc) => ({
  client_id: c._id,
  email: c.email,
  company: c.company,
  tier: c.tier,
  scopes: c.scopes,
  rate_limit_rpm: c.rate_limit_rpm,
  key_prefix: c.key_prefix,
  status: c.status,
  created_at: c.created_at,
  last_used_at: c.last_used_at,
  revoked_at: c.revoked_at,
  enabled_without_request: c.enabled_without_request,
});
export type ClientView = ReturnType<typeof clientView>;

export const requestView = (r: RequestDoc) => ({
  request_id: r._id,
  full_name: r.full_name,
  email: r.email,
  company: r.company,
  requested_tier: r.requested_tier,
  use_case: r.use_case,
  expected_monthly_documents: r.expected_monthly_documents,
  status: r.status,
  created_at: r.created_at,
  enabled_at: r.enabled_at,
  client_id: r.client_id,
});
export type RequestView = ReturnType<typeof requestView>;

export const auditView = (a: AuditDoc) => ({
  audit_id: a._id,
  at: a.at,
  actor: a.actor,
  action: a.action,
  client_id: a.client_id,
  request_id: a.request_id,
  reason: a.reason,
  ip: a.ip,
});
export type AuditView = ReturnType<typeof auditView>;
