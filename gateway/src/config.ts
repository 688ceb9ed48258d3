import { defineSettings, settingTypes } from '@perceptiq/platform';

const { positiveInt, flag } = settingTypes;

/** The gateway's settings: the limits every operation is checked against, and the pass-through. */
export const gatewaySettings = defineSettings({
  env: {
    GRAPHQL_MAX_DEPTH: positiveInt(12),
    GRAPHQL_MAX_COST: positiveInt(1_000_000),
    GRAPHQL_MAX_ALIASES: positiveInt(15),
    GATEWAY_PASSTHROUGH: flag(true),
  },
  build: (e) => ({
    maxDepth: e.GRAPHQL_MAX_DEPTH,
    /** Highest estimated cost of one operation, list sizes included (gateway/src/operation-cost.ts). */
    maxCost: e.GRAPHQL_MAX_COST,
    maxAliases: e.GRAPHQL_MAX_ALIASES,
    passthrough: e.GATEWAY_PASSTHROUGH,
  }),
});

export type GatewaySettings = ReturnType<typeof gatewaySettings.build>;
