import type { ServiceName } from '@perceptiq/contracts';
import type { ContextSigner, GraphQLAnswer, GraphQLEndpoint } from '@perceptiq/platform';
import type { GatewayContext } from './context.js';

export interface SubgraphClientOptions {
  signer: ContextSigner;
  /**
   * How to reach each subgraph: over HTTP (with the timeout and `SUBGRAPH_MAX_RESPONSE_BYTES`
   * cap), or directly when it runs in this process (the same checks, applied in process).
   */
  endpoint(subgraph: string): GraphQLEndpoint;
}

export interface SubgraphRequest {
  query: string;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

/**
 * The gateway's one way to reach a subgraph, for the fast path and the query planner alike: an
 * explicit allowlist of caller facts signed for that subgraph alone (never the caller's key or
 * headers), a timeout, and a cap on the answer's size. Without a caller (health checks, schema
 * loads: STYLE.md §4) nothing is signed and the subgraph refuses to run anything.
 */
export class SubgraphClient {
  constructor(private readonly options: SubgraphClientOptions) {}

  send(subgraph: string, caller: GatewayContext | undefined, body: SubgraphRequest): Promise<GraphQLAnswer> {
    const headers = caller
      ? {
          ...this.options.signer.sign({ principal: caller.principal, request_id: caller.requestId, ip: caller.ip }, subgraph as ServiceName),
          'x-request-id': caller.requestId,
        }
      : {};
    return this.options.endpoint(subgraph)({ headers, body });
  }
}
