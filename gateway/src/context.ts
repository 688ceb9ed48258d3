import { CONTEXT_HEADER, CONTEXT_SIGNATURE_HEADER, rateHeaders, type ContextSigner, type EdgeAuthenticator, type Principal } from '@perceptiq/platform';
import type { BaseContext } from '@apollo/server';
import type { Request, Response } from 'express';
import type { OperationAnalysis } from './analyze-operation.js';

export interface GatewayContext extends BaseContext {
  principal: Principal;
  requestId: string;
  ip: string;
  /** True when this call was authenticated (and counted) here, from an API key. */
  counted: boolean;
  analysis?: OperationAnalysis;
}

/**
 * Who is calling the gateway: a signed context from the REST adapter (already authenticated and
 * counted there), an API key (authenticated and counted here), or an admin token. Anything else
 * is refused with HTTP 401 before the operation is even parsed.
 */
export async function authenticate(req: Request, res: Response, signer: ContextSigner, auth: EdgeAuthenticator): Promise<GatewayContext> {
  const ip = req.ip ?? 'unknown';
  const signed = signer.verify(req.headers[CONTEXT_HEADER], req.headers[CONTEXT_SIGNATURE_HEADER]);
  if (signed) return { principal: signed.principal, requestId: signed.request_id, ip: signed.ip, counted: false };

  const adminToken = req.headers['x-admin-token'];
  if (!req.headers.authorization && typeof adminToken === 'string') {
    await auth.authorizeAdmin(adminToken, ip);
    return { principal: { type: 'admin' }, requestId: req.id, ip, counted: false };
  }
  const { client, rate } = await auth.authorizeKey(req.headers.authorization);
  for (const [name, value] of Object.entries(rateHeaders(rate))) res.setHeader(name, value);
  res.locals.countedClientId = client.client_id; // for the usage event once the response is sent
  return { principal: { type: 'client', client }, requestId: req.id, ip, counted: true };
}
