import { z } from 'zod';
import { RATE_LIMIT_RPM_MAX, SCOPES, TIERS } from './scopes.js';

/**
 * Bodies of the access calls, as partners send them (snake_case). The REST adapter validates
 * with these and the access service validates again (GraphQL callers reach it too), so the
 * rules live here once.
 */
const email = z.string().trim().toLowerCase().max(254).pipe(z.email());
const name = (max: number) => z.string().trim().min(1).max(max);

export const AccessRequestBody = z.object({
  full_name: name(200),
  email,
  company: name(200),
  requested_tier: z.enum(TIERS),
  use_case: name(2000),
  expected_monthly_documents: z.number().int().min(0).max(1_000_000_000),
});
export type AccessRequestBody = z.infer<typeof AccessRequestBody>;

export const EnableBody = z.object({
  email,
  company: name(200),
  tier: z.enum(TIERS),
  rate_limit_rpm: z.number().int().min(1).max(RATE_LIMIT_RPM_MAX).optional(),
  scopes: z.array(z.enum(SCOPES)).max(SCOPES.length).optional(),
});
export type EnableBody = z.infer<typeof EnableBody>;

export const RotateBody = z.object({
  client_id: z.string().min(1).max(64),
  reason: name(500),
  grace_seconds: z.number().int().min(0).max(86_400).default(0),
});
export type RotateBody = z.infer<typeof RotateBody>;

export const RevokeBody = z.object({
  client_id: z.string().min(1).max(64),
  reason: name(500),
});
export type RevokeBody = z.infer<typeof RevokeBody>;

export const RequestsQuery = z.object({
  status: z.enum(['pending', 'enabled', 'all']).default('pending'),
});

export const AuditQuery = z.object({
  client_id: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
