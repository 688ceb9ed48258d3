import { rateHeaders, type ContextSigner, type EdgeAuthenticator, type Principal } from '@perceptiq/platform';
import type { BaseContext } from '@apollo/server';
import type { OperationAnalysis } from './analyze-operation.js';

export interface GatewayContext extends BaseContext {
  principal: Principal;
  requestId: string;
  ip: string;
  analysis?: OperationAnalysis;
}

/** What authentication reads of a call, whichever way it arrived (HTTP or in process). */
export interface CallerFacts {
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  requestId: string;
}

export interface Authenticated {
  context: GatewayContext;
  /** `X-RateLimit-*` for a call made with an API key, to send with the answer. */
  headers: Record<string, string>;
}

/**
 * Who is calling the gateway: a signed context from the REST adapter (already authenticated and
 * counted there), an API key (authenticated and counted here), or an admin token. Anything else
 * is refused with HTTP 401 before the operation is even parsed.
 */
export async function authenticate(
  call: CallerFacts,
  signer: ContextSigner,
  auth: EdgeAuthenticator,
  onCounted: (clientId: string) => void,
): Promise<Authenticated> {
  const { headers, ip, requestId } = call;
  const signed = signer.verify(headers);
  if (signed) return { context: { principal: signed.principal, requestId: signed.request_id, ip: signed.ip }, headers: {} };

  const adminToken = headers['x-admin-token'];
  const authorization = typeof headers.authorization === 'string' ? headers.authorization : undefined;
  if (!authorization && typeof adminToken === 'string') {
    await auth.authorizeAdmin(adminToken, ip);
    return { context: { principal: { type: 'admin' }, requestId, ip }, headers: {} };
  }
  const { client, rate } = await auth.authorizeKey(authorization, onCounted);
  return { context: { principal: { type: 'client', client }, requestId, ip }, headers: rateHeaders(rate) };
}
