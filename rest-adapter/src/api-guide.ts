import { SCOPES, TIER_SCOPES, TIERS } from '@perceptiq/contracts';

const tierRows = TIERS.map((tier) => `| ${tier} | ${TIER_SCOPES[tier].join(', ')} |`).join('\n');

/**
 * The short guide at the top of the reference page (the OpenAPI document's `info.description`,
 * CommonMark): how to get a key and make a first call, what the tiers grant, the rate-limit
 * headers, the error envelope and where GraphQL is. The tier table is generated from the
 * contract's scope table, so the page cannot drift from what keys are granted.
 */
export const API_GUIDE = `Document AI over REST: upload contracts, invoices, scans and photos; follow their processing;
ask questions answered with citations (document, page and region); summaries, search, templates and
field extraction, tagging, comparison, exports and usage metrics.

## Quickstart

1. **Ask for access** (public): \`POST /api/access/request\` with your name, email, company, the tier you
   want and your use case. The answer is \`202 {request_id, status: "pending"}\`.
2. **An admin enables it**: \`POST /api/access/enable\` with the \`x-admin-token\` header. The answer holds
   your key, \`pa_live_…\`, **shown once**: keep it in a secret manager, never in front-end code.
3. **First call**:

\`\`\`sh
curl "http://127.0.0.1:8100/v1/summary" -H "Authorization: Bearer pa_live_…"
\`\`\`

4. **Upload, then ask**:

\`\`\`sh
curl -X POST "http://127.0.0.1:8100/v1/upload?merge=true" -H "Authorization: Bearer pa_live_…" -F "files=@contract.pdf"
curl -X POST "http://127.0.0.1:8100/v1/ask" -H "Authorization: Bearer pa_live_…" -H "Content-Type: application/json" \\
  -d '{"question":"What are the renewal and termination clauses?"}'
\`\`\`

## Tiers and scopes

Every keyed operation names its scope (\`x-required-scope\`); a key without it gets \`403 insufficient_scope\`
with \`details.required_scope\`. Scopes are granted by tier and can be customized at enablement.
\`GET /v1/me\` tells a key its tier, scopes and rate limit.

| Tier | Default scopes |
|---|---|
${tierRows}

All scopes: ${SCOPES.join(', ')}.

## Rate limits

Each key has a limit per minute (\`rate_limit_rpm\`). Every authenticated answer carries
\`X-RateLimit-Limit\` (the limit), \`X-RateLimit-Remaining\` (calls left in this window) and
\`X-RateLimit-Reset\` (seconds until the window resets). Past the limit the answer is \`429 rate_limited\`
with \`Retry-After\` in seconds. Every call counts, refused ones included.

## Errors

Every error is JSON: \`{"error": {"code", "message", "request_id", "details"}}\`, with the HTTP status of
its code: \`invalid_request\` 400 (\`details.field\` names the first bad field), \`invalid_token\` 401,
\`insufficient_scope\` 403, \`not_found\` 404 (also for another client's ids), \`conflict\` 409,
\`payload_too_large\` 413, \`unsupported_media_type\` 415, \`rate_limited\` 429, \`internal\` 500,
\`not_implemented\` 501, \`unavailable\` 503. \`request_id\` equals the \`X-Request-Id\` header; quote it
when you report a problem.

## GraphQL

The same capabilities as one federated schema at the gateway: \`POST http://127.0.0.1:4000/graphql\`
with the same \`Authorization: Bearer pa_live_…\` header and the same scopes (a field whose scope the key
lacks is refused with \`extensions.code = "insufficient_scope"\`). Open that URL in a browser for
GraphiQL.
`;
