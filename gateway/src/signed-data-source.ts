import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { ServiceName } from '@perceptiq/contracts';
import type { ContextSigner } from '@perceptiq/platform';
import type { GatewayContext } from './context.js';

/**
 * Forwards an explicit allowlist of caller facts to subgraphs, freshly signed for each fetch:
 * never the caller's key or headers. Health checks and schema loads carry no caller (STYLE.md §4).
 */
export class SignedContextDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: ServiceName,
    url: string,
    private readonly signer: ContextSigner,
  ) {
    super({ url });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loads carry no incoming request, hence no caller.
    if (!('incomingRequestContext' in options)) return;
    const ctx = options.context;
    const headers = this.signer.sign({ principal: ctx.principal, request_id: ctx.requestId, ip: ctx.ip }, this.subgraph);
    for (const [name, value] of Object.entries(headers)) options.request.http?.headers.set(name, value);
    options.request.http?.headers.set('x-request-id', ctx.requestId);
  }
}
