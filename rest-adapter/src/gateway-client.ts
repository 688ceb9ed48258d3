import { AppError, errorFromWire, postJson, type ContextSigner, type Principal } from '@perceptiq/platform';

interface GraphQLWireError {
  message?: string;
  extensions?: { code?: unknown; details?: Record<string, unknown> };
}

/**
 * Runs one GraphQL operation against the gateway on behalf of an already authenticated caller:
 * the caller travels as a signed context (never the key), so the gateway neither re-authenticates
 * nor counts the call a second time.
 */
export class GatewayClient {
  constructor(
    private readonly url: string,
    private readonly signer: ContextSigner,
    private readonly timeoutMs: number,
    private readonly maxResponseBytes: number,
  ) {}

  async execute(
    document: string,
    variables: Record<string, unknown>,
    caller: { principal: Principal; requestId: string; ip: string },
  ): Promise<Record<string, unknown>> {
    const headers = {
      ...this.signer.sign({ principal: caller.principal, request_id: caller.requestId, ip: caller.ip }, 'gateway'),
      'x-request-id': caller.requestId,
    };
    const res = await postJson(this.url, { query: document, variables }, headers, this.timeoutMs, this.maxResponseBytes);
    const body = (res.body ?? {}) as { data?: Record<string, unknown> | null; errors?: GraphQLWireError[] };
    const first = body.errors?.[0];
    if (first) throw errorFromWire(first.extensions?.code, first.message ?? 'The operation failed.', first.extensions?.details);
    if (!body.data) throw new AppError('unavailable', `The gateway answered HTTP ${res.status} without data.`);
    return body.data;
  }
}
