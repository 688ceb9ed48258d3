import { AccessRequestBody, AuditQuery, EnableBody, RequestsQuery, RevokeBody, RotateBody, SCOPES, TIERS } from '@perceptiq/contracts';
import { snakeKeys } from '@perceptiq/platform';
import { z } from 'zod';
import type { RouteDef } from '../route.js';
import { gql, inputOf } from './actions.js';

const AccessRequest = z.object({
  request_id: z.string(),
  full_name: z.string(),
  email: z.string(),
  company: z.string(),
  requested_tier: z.enum(TIERS),
  use_case: z.string(),
  expected_monthly_documents: z.number().int(),
  status: z.enum(['pending', 'enabled']),
  created_at: z.string(),
  enabled_at: z.string().nullable(),
  client_id: z.string().nullable(),
});

const Client = z.object({
  client_id: z.string(),
  email: z.string(),
  company: z.string(),
  tier: z.enum(TIERS),
  scopes: z.array(z.enum(SCOPES)),
  rate_limit_rpm: z.number().int(),
  key_prefix: z.string(),
  status: z.enum(['active', 'revoked']),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

const AuditEntry = z.object({
  audit_id: z.string(),
  at: z.string(),
  actor: z.enum(['admin', 'public']),
  action: z.enum(['access.requested', 'access.enabled', 'key.rotated', 'access.revoked']),
  client_id: z.string().nullable(),
  request_id: z.string().nullable(),
  reason: z.string().nullable(),
  ip: z.string(),
});

/** The published page's enablement example (john@company.com), reused by the admin calls. */
const PUBLISHED_REQUEST = {
  full_name: 'John Doe',
  email: 'john@company.com',
  company: 'Company Inc',
  requested_tier: 'growth',
  use_case: 'Integrate analysis workflow',
  expected_monthly_documents: 2500,
};
const curlJson = (path: string, body: unknown, admin = false) =>
  `curl -X POST "http://127.0.0.1:8100${path}"${admin ? ' -H "x-admin-token: <API_ADMIN_TOKEN>"' : ''} -H "Content-Type: application/json" -d '${JSON.stringify(body)}'`;
const PUBLISHED_ENABLE = { email: 'john@company.com', company: 'Company Inc', tier: 'growth', rate_limit_rpm: 180 };
const PUBLISHED_ROTATE = { client_id: 'cli_abc123def456', reason: 'Quarterly rotation' };

const Me = z.object({
  client_id: z.string(),
  company: z.string(),
  tier: z.enum(TIERS),
  scopes: z.array(z.enum(SCOPES)),
  rate_limit_rpm: z.number().int(),
});

/** Access (published page: "Quickstart", "Enablement syntax", "Admin lifecycle syntax"), and the calling client. */
export const ACCESS_ROUTES: RouteDef[] = [
  {
    operationId: 'requestAccess',
    method: 'post',
    path: '/api/access/request',
    auth: 'public',
    summary: 'Request API access',
    description: 'Public; at most 10 requests a minute from one address. The same pending email+company answers the same request; an email+company with an active client is 409 conflict naming it (ask the admin to rotate the key).',
    tags: ['access'],
    body: AccessRequestBody,
    example: { body: PUBLISHED_REQUEST, curl: curlJson('/api/access/request', PUBLISHED_REQUEST) },
    errors: ['conflict'],
    status: 202,
    response: z.object({ request_id: z.string(), status: z.enum(['pending']) }),
    action: gql('mutation RequestAccess($input: AccessRequestInput!) { requestAccess(input: $input) { requestId status } }', inputOf),
  },
  {
    operationId: 'enableAccess',
    method: 'post',
    path: '/api/access/enable',
    auth: 'admin',
    summary: 'Enable a client and issue its first key (shown once)',
    tags: ['access'],
    body: EnableBody,
    example: { body: PUBLISHED_ENABLE, curl: curlJson('/api/access/enable', PUBLISHED_ENABLE, true) },
    errors: ['conflict'],
    status: 201,
    response: z.object({
      client_id: z.string(),
      api_key: z.string(),
      key_prefix: z.string(),
      tier: z.enum(TIERS),
      scopes: z.array(z.enum(SCOPES)),
      rate_limit_rpm: z.number().int(),
      created_at: z.string(),
    }),
    action: gql(
      'mutation EnableAccess($input: EnableAccessInput!) { enableAccess(input: $input) { clientId apiKey keyPrefix tier scopes rateLimitRpm createdAt } }',
      inputOf,
    ),
  },
  {
    operationId: 'rotateKey',
    method: 'post',
    path: '/api/access/rotate',
    auth: 'admin',
    summary: "Issue a new key; the old one keeps working for grace_seconds",
    tags: ['access'],
    body: RotateBody,
    example: { body: PUBLISHED_ROTATE, curl: curlJson('/api/access/rotate', PUBLISHED_ROTATE, true) },
    errors: ['not_found', 'conflict'],
    status: 200,
    response: z.object({
      client_id: z.string(),
      api_key: z.string(),
      key_prefix: z.string(),
      rotated_at: z.string(),
      previous_key_expires_at: z.string(),
    }),
    action: gql(
      'mutation RotateKey($input: RotateKeyInput!) { rotateKey(input: $input) { clientId apiKey keyPrefix rotatedAt previousKeyExpiresAt } }',
      inputOf,
    ),
  },
  {
    operationId: 'revokeAccess',
    method: 'post',
    path: '/api/access/revoke',
    auth: 'admin',
    summary: 'Revoke a client: every key stops working at once',
    tags: ['access'],
    body: RevokeBody,
    errors: ['not_found'],
    status: 200,
    response: z.object({ client_id: z.string(), revoked_at: z.string() }),
    action: gql('mutation RevokeAccess($input: RevokeAccessInput!) { revokeAccess(input: $input) { clientId revokedAt } }', inputOf),
  },
  {
    operationId: 'listAccessRequests',
    method: 'get',
    path: '/api/access/requests',
    auth: 'admin',
    summary: 'Access requests, newest first',
    tags: ['access'],
    query: RequestsQuery,
    status: 200,
    response: z.object({ requests: z.array(AccessRequest) }),
    action: {
      ...gql(
        'query AccessRequests($status: AccessRequestStatusFilter) { accessRequests(status: $status) { requestId fullName email company requestedTier useCase expectedMonthlyDocuments status createdAt enabledAt clientId } }',
        ({ query }) => ({ status: query.status }),
      ),
      shape: (data) => ({ requests: snakeKeys(data.accessRequests) }),
    },
  },
  {
    operationId: 'listClients',
    method: 'get',
    path: '/api/access/clients',
    auth: 'admin',
    summary: 'Clients with tier, scopes, rate limit and key prefix (never a key)',
    tags: ['access'],
    status: 200,
    response: z.object({ clients: z.array(Client) }),
    action: {
      ...gql('query Clients { clients { clientId email company tier scopes rateLimitRpm keyPrefix status createdAt lastUsedAt revokedAt } }'),
      shape: (data) => ({ clients: snakeKeys(data.clients) }),
    },
  },
  {
    operationId: 'accessAudit',
    method: 'get',
    path: '/api/access/audit',
    auth: 'admin',
    summary: 'Audit log of every access change, newest first',
    tags: ['access'],
    query: AuditQuery,
    status: 200,
    response: z.object({ entries: z.array(AuditEntry) }),
    action: {
      ...gql(
        'query Audit($clientId: ID, $limit: Int) { auditLog(clientId: $clientId, limit: $limit) { auditId at actor action clientId requestId reason ip } }',
        ({ query }) => ({ clientId: query.client_id, limit: query.limit }),
      ),
      shape: (data) => ({ entries: snakeKeys(data.auditLog) }),
    },
  },
  {
    operationId: 'me',
    method: 'get',
    path: '/v1/me',
    auth: 'key',
    summary: 'The calling client: company, tier, scopes and rate limit',
    tags: ['access'],
    example: { curl: 'curl "http://127.0.0.1:8100/v1/me" -H "Authorization: Bearer <API_KEY>"' },
    status: 200,
    response: Me,
    action: { kind: 'identity' },
  },
];
