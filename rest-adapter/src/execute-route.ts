import { AppError, parseOrThrow } from '@perceptiq/platform';
import type { Request, RequestHandler, Response } from 'express';
import { callerOf } from './authenticate-route.js';
import type { GatewayClient } from './gateway-client.js';
import type { RouteDef, RouteInput } from './route.js';
import type { StreamProxy } from './stream-proxy.js';

/** Where an authenticated call is answered from. */
export interface Upstreams {
  gateway: GatewayClient;
  streams: StreamProxy;
}

/** The route's params, query and body, validated against its schemas. */
function inputOf(route: RouteDef, req: Request): RouteInput {
  return {
    params: route.params ? parseOrThrow(route.params, req.params) : {},
    query: route.query ? parseOrThrow(route.query, req.query) : {},
    body: route.body ? (parseOrThrow(route.body, req.body) as Record<string, unknown>) : {},
  };
}

/** Answer an authenticated call as its route's action says; chosen once per route, at start-up. */
export function executeRoute(route: RouteDef, upstreams: Upstreams): RequestHandler {
  const { action } = route;
  switch (action.kind) {
    case 'identity':
      return (_req: Request, res: Response): void => {
        const { principal } = callerOf(res);
        if (principal.type !== 'client') throw new AppError('invalid_token', 'An API key is required.');
        const { client_id, company, tier, scopes, rate_limit_rpm } = principal.client;
        res.status(route.status).json({ client_id, company, tier, scopes, rate_limit_rpm });
      };
    case 'stream':
      return async (req: Request, res: Response): Promise<void> => {
        // Validated here so a bad call is refused before the service is reached; passed on as sent.
        inputOf(route, req);
        await upstreams.streams(req, res, action, callerOf(res));
      };
    case 'graphql':
      return async (req: Request, res: Response): Promise<void> => {
        const caller = callerOf(res);
        const data = await upstreams.gateway.execute(action.document, action.variables(inputOf(route, req)), {
          principal: caller.principal,
          requestId: req.id,
          ip: caller.ip,
        });
        res.status(route.status).json(action.shape(data));
      };
  }
}
