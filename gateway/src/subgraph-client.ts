import type { ServiceName } from '@perceptiq/contracts';
import { postJson, type ContextSigner, type JsonResponse } from '@perceptiq/platform';
import type { GatewayContext } from './context.js';

export interface SubgraphClientOptions {
  signer: ContextSigner;
  url(subgraph: string): string;
  timeoutMs: number;
  /** `SUBGRAPH_MAX_RESPONSE_BYTES`: a longer answer is cut off while it arrives, never buffered. */
  maxResponseBytes: number;
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
 * headers), keep-alive HTTP, a timeout, and a cap on the answer's size. Without a caller (health
 * checks, schema loads: STYLE.md §4) nothing is signed and the subgraph refuses to run anything.
 */
export class SubgraphClient {
  constructor(private readonly options: SubgraphClientOptions) {}

  send(subgraph: string, caller: GatewayContext | undefined, body: SubgraphRequest): Promise<JsonResponse> {
    const headers = caller
      ? {
          ...this.options.signer.sign({ principal: caller.principal, request_id: caller.requestId, ip: caller.ip }, subgraph as ServiceName),
          'x-request-id': caller.requestId,
        }
      : {};
    return postJson(this.options.url(subgraph), body, headers, this.options.timeoutMs, this.options.maxResponseBytes);
  }
}
