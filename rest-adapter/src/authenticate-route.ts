import { AppError, rateHeaders, type EdgeAuthenticator, type Principal, type UsageRecorder } from '@perceptiq/platform';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { RouteDef } from './route.js';

/** Who is calling, as authentication resolved it; later handlers read it with `callerOf`. */
export interface Caller {
  principal: Principal;
  ip: string;
}

export const callerOf = (res: Response): Caller => res.locals.caller as Caller;

/**
 * Authenticate a call as its route requires (API key, admin token or nobody), count key calls and
 * check the route's scope, before anything else of the route runs.
 */
export function authenticateRoute(route: RouteDef, edge: { auth: EdgeAuthenticator; usage: UsageRecorder }): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const ip = req.ip ?? 'unknown';
    if (route.auth === 'public') {
      // The access service counts the address against its budget, whichever edge the call came through.
      res.locals.caller = { principal: { type: 'public' }, ip } satisfies Caller;
      return next();
    }
    if (route.auth === 'admin') {
      await edge.auth.authorizeAdmin(req.get('x-admin-token'), ip);
      res.locals.caller = { principal: { type: 'admin' }, ip } satisfies Caller;
      return next();
    }
    const { client, rate } = await edge.auth.authorizeKey(req.get('authorization'), (clientId) =>
      res.on('finish', () => edge.usage.record(clientId, route.scope ?? 'me', res.statusCode)),
    );
    for (const [name, value] of Object.entries(rateHeaders(rate))) res.setHeader(name, value);
    res.locals.caller = { principal: { type: 'client', client }, ip } satisfies Caller;
    if (route.scope && !client.scopes.includes(route.scope)) {
      throw new AppError('insufficient_scope', `This call needs the "${route.scope}" scope.`, { required_scope: route.scope });
    }
    next();
  };
}
