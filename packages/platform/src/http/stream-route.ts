import type { ClientIdentity, Scope } from '@perceptiq/contracts';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { ContextSigner } from '../client-context.js';
import { AppError } from '../errors.js';
import { runWithContext } from '../request-context.js';
import { sendError } from './error-response.js';

/** The partner calling a stream route, as the signed context from the REST adapter names it. */
export interface StreamCaller {
  client: ClientIdentity;
  requestId: string;
  ip: string;
}

/** A stream route's own work; also finds the caller on `res.locals.caller`. */
export type StreamHandler = (req: Request, res: Response, caller: StreamCaller) => Promise<void> | void;

/**
 * Byte-stream routes of a service (uploads in, downloads out), which the REST adapter pipes to the
 * service so the bytes never go through GraphQL. As for GraphQL, nothing is answered without a
 * signed client context for this service: a service reached directly gives nothing away. The
 * scope is checked again here, so a route cannot be opened wider than the route table says.
 * Errors, thrown or rejected, are answered in the REST envelope, as the adapter would.
 *
 *     const stream = signedStreamRoute(signer, logger);
 *     app.post('/upload', stream('upload', async (req, res, caller) => { … }));
 */
export function signedStreamRoute(signer: ContextSigner, logger: Logger): (scope: Scope, handler: StreamHandler) => RequestHandler {
  return (scope, handler) => async (req, res) => {
    try {
      const ctx = signer.verify(req.headers);
      if (!ctx || ctx.principal.type !== 'client') throw new AppError('invalid_token', 'A valid signed client context is required.');
      const { client } = ctx.principal;
      if (!client.scopes.includes(scope)) {
        throw new AppError('insufficient_scope', `This call needs the "${scope}" scope.`, { required_scope: scope });
      }
      const caller: StreamCaller = { client, requestId: ctx.request_id, ip: ctx.ip };
      res.locals.caller = caller;
      // Restore the original request id and caller for the logs and bus calls the handler makes.
      await runWithContext({ requestId: caller.requestId, clientId: client.client_id }, () => handler(req, res, caller));
    } catch (err) {
      sendError(req, res, err, logger);
    }
  };
}
