/**
 * The one scope and tier table. REST routes, GraphQL `@requiresScopes` checks and the tier
 * defaults all read from here, so a scope can never mean two things in two places.
 */
export const SCOPES = [
  'status',
  'documents',
  'summary',
  'search',
  'export',
  'upload',
  'ask',
  'templates',
  'tagging',
  'compare',
  'metrics',
  'summary_audio',
] as const;
export type Scope = (typeof SCOPES)[number];

export const TIERS = ['starter', 'growth', 'business', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

const STARTER: readonly Scope[] = ['status', 'documents', 'summary', 'search', 'export'];
const GROWTH: readonly Scope[] = [...STARTER, 'upload', 'ask', 'templates', 'tagging'];
const BUSINESS: readonly Scope[] = [...GROWTH, 'compare', 'metrics', 'summary_audio'];

/** Default scopes by tier, exactly as the published page's "Scope by plan" table. */
export const TIER_SCOPES: Readonly<Record<Tier, readonly Scope[]>> = {
  starter: STARTER,
  growth: GROWTH,
  business: BUSINESS,
  enterprise: BUSINESS,
};

/** Default requests per minute by tier (API.md). */
export const TIER_RATE_LIMIT_RPM: Readonly<Record<Tier, number>> = {
  starter: 60,
  growth: 180,
  business: 600,
  enterprise: 1200,
};

export const RATE_LIMIT_RPM_MAX = 1_000_000;

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function isTier(value: string): value is Tier {
  return (TIERS as readonly string[]).includes(value);
}
