import { AccessRequestBody, AuditQuery, EnableBody, RequestsQuery, RevokeBody, RotateBody, SCOPES, TIERS } from '@perceptiq/contracts';
import { snakeKeys } from '@perceptiq/platform';
import { z } from 'zod';
import type { RouteDef } from '../route.js';
import { gql, inputOf } from './actions.js';

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
    description: 'Public; at most 10 requests a minute from one address. The same pending email+company answers the same request.',
    tags: ['access'],
    body: AccessRequestBody,
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
    status: 200,
    response: Me,
    action: { kind: 'identity' },
  },
];
