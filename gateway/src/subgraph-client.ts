import type { GraphQLAnswer, GraphQLEndpoint } from '@perceptiq/platform';
import type { GatewayContext } from './context.js';

export interface SubgraphRequest {
  query: string;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

/**
 * The gateway's one way to reach a subgraph, for the fast path and the query planner alike: an
 * explicit allowlist of caller facts (never the caller's key or headers), which the endpoint signs
 * for that subgraph alone when it is reached over HTTP, with a timeout and a cap on the answer's
 * size either way. Without a caller (health checks, schema loads: STYLE.md §4) nothing is signed
 * and the subgraph refuses to run anything.
 */
export class SubgraphClient {
  constructor(private readonly endpoint: (subgraph: string) => GraphQLEndpoint) {}

  send(subgraph: string, caller: GatewayContext | undefined, body: SubgraphRequest): Promise<GraphQLAnswer> {
    return this.endpoint(subgraph)({
      headers: caller ? { 'x-request-id': caller.requestId } : {},
      body,
      ...(caller ? { caller: { principal: caller.principal, request_id: caller.requestId, ip: caller.ip } } : {}),
    });
  }
}
