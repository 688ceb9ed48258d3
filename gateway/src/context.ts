import { CONTEXT_HEADER, CONTEXT_SIGNATURE_HEADER, rateHeaders, type ContextSigner, type EdgeAuthenticator, type Principal } from '@perceptiq/platform';
import type { BaseContext } from '@apollo/server';
import type { Request, Response } from 'express';
import type { OperationAnalysis } from './analyze-operation.js';

export interface GatewayContext extends BaseContext {
  principal: Principal;
  requestId: string;
  ip: string;
  analysis?: OperationAnalysis;
}

/**
 * Who is calling the gateway: a signed context from the REST adapter (already authenticated and
 * counted there), an API key (authenticated and counted here), or an admin token. Anything else
 * is refused with HTTP 401 before the operation is even parsed.
 */
export async function authenticate(
  req: Request,
  res: Response,
  signer: ContextSigner,
  auth: EdgeAuthenticator,
  onCounted: (clientId: string) => void,
): Promise<GatewayContext> {
  const ip = req.ip ?? 'unknown';
  const signed = signer.verify(req.headers[CONTEXT_HEADER], req.headers[CONTEXT_SIGNATURE_HEADER]);
  if (signed) return { principal: signed.principal, requestId: signed.request_id, ip: signed.ip };

  const adminToken = req.headers['x-admin-token'];
  if (!req.headers.authorization && typeof adminToken === 'string') {
    await auth.authorizeAdmin(adminToken, ip);
    return { principal: { type: 'admin' }, requestId: req.id, ip };
  }
  const { client, rate } = await auth.authorizeKey(req.headers.authorization, onCounted);
  for (const [name, value] of Object.entries(rateHeaders(rate))) res.setHeader(name, value);
  return { principal: { type: 'client', client }, requestId: req.id, ip };
}
