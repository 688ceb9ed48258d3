import { AppError, errorFromWire, type GraphQLEndpoint, type Principal } from '@perceptiq/platform';

interface GraphQLWireError {
  message?: string;
  extensions?: { code?: unknown; details?: Record<string, unknown> };
}

/**
 * Runs one GraphQL operation against the gateway on behalf of an already authenticated caller:
 * the caller travels as a signed context (never the key), so the gateway neither re-authenticates
 * nor counts the call a second time. The gateway is reached over HTTP, or directly when it runs in
 * this process; the launcher decides which.
 */
export class GatewayClient {
  /** @param gateway the gateway in this process, or over HTTP with the caller signed for it (the launcher decides). */
  constructor(private readonly gateway: GraphQLEndpoint) {}

  async execute(
    document: string,
    variables: Record<string, unknown>,
    caller: { principal: Principal; requestId: string; ip: string },
  ): Promise<Record<string, unknown>> {
    const res = await this.gateway({
      headers: { 'x-request-id': caller.requestId },
      body: { query: document, variables },
      caller: { principal: caller.principal, request_id: caller.requestId, ip: caller.ip },
    });
    const body = (res.body ?? {}) as { data?: Record<string, unknown> | null; errors?: GraphQLWireError[] };
    const first = body.errors?.[0];
    if (first) throw errorFromWire(first.extensions?.code, first.message ?? 'The operation failed.', first.extensions?.details);
    if (!body.data) throw new AppError('unavailable', `The gateway answered HTTP ${res.status} without data.`);
    return body.data;
  }
}
