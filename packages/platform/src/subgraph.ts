import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import express, { type RequestHandler } from 'express';
import { parse } from 'graphql';
import type { Logger } from 'pino';
import { CONTEXT_HEADER, CONTEXT_SIGNATURE_HEADER, type ClientContext, type ContextSigner, type Principal } from './client-context.js';
import { AppError } from './errors.js';
import { formatGraphQLError, toGraphQLError } from './graphql-errors.js';
import { runWithContext } from './request-context.js';

export interface SubgraphContext extends BaseContext {
  principal: Principal;
  requestId: string;
  ip: string;
  logger: Logger;
}

/** Resolver map in graphql-tools shape: `{ Query: { field(parent, args, ctx) } }`, plus `__resolveReference` on entities. */
export type SubgraphResolvers = Record<string, Record<string, any>>;

export interface SubgraphOptions {
  name: string;
  typeDefs: string;
  resolvers: SubgraphResolvers;
  signer: ContextSigner;
  logger: Logger;
}

/**
 * A federated subgraph behind Express. Every operation must carry a valid signed client context
 * (from the gateway); anything else is answered 401 before execution, so a subgraph reached
 * directly gives nothing away. `_service` (composition) is no exception: the supergraph is
 * composed from the SDL files, never by introspection.
 */
export async function createSubgraphHandler(options: SubgraphOptions): Promise<{ handler: RequestHandler; stop(): Promise<void> }> {
  const server = new ApolloServer<SubgraphContext>({
    schema: buildSubgraphSchema({ typeDefs: parse(options.typeDefs), resolvers: options.resolvers as never }),
    formatError: formatGraphQLError(options.logger),
    introspection: false,
    csrfPrevention: false, // only the gateway calls subgraphs, with a signed context and JSON bodies
    includeStacktraceInErrorResponses: false,
    logger: options.logger,
    // Traces are for Apollo's hosted reporting, which a self-hosted deployment does not use.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    // The process's Lifecycle owns SIGTERM: Apollo re-raising the signal would cut the graceful stop short.
    stopOnTerminationSignals: false,
  });
  await server.start();
  const middleware = expressMiddleware(server, {
    context: async ({ res }) => {
      const ctx = res.locals.clientContext as ClientContext | undefined;
      if (!ctx) throw toGraphQLError(new AppError('invalid_token', 'A valid signed client context is required.'));
      const clientId = ctx.principal.type === 'client' ? ctx.principal.client.client_id : undefined;
      return {
        principal: ctx.principal,
        requestId: ctx.request_id,
        ip: ctx.ip,
        logger: options.logger.child(clientId ? { requestId: ctx.request_id, clientId } : { requestId: ctx.request_id }),
      };
    },
  });
  const router = express.Router();
  // Room for the base64 uploads of small files (5 MB each) that ingest accepts through GraphQL.
  router.use(express.json({ limit: '8mb' }));
  router.use((req, res, next) => {
    const ctx = options.signer.verify(req.headers[CONTEXT_HEADER], req.headers[CONTEXT_SIGNATURE_HEADER]);
    if (!ctx) return middleware(req, res, next);
    res.locals.clientContext = ctx;
    // Restore the original request id (and caller) for logs and bus calls made by resolvers.
    const clientId = ctx.principal.type === 'client' ? ctx.principal.client.client_id : undefined;
    return runWithContext({ requestId: ctx.request_id, ...(clientId ? { clientId } : {}) }, () => middleware(req, res, next));
  });
  return { handler: router, stop: () => server.stop() };
}

/** The calling client, or `invalid_token` when the principal is not a client. */
export function requireClient(ctx: SubgraphContext) {
  if (ctx.principal.type !== 'client') throw new AppError('invalid_token', 'This operation needs an API key.');
  return ctx.principal.client;
}

/** Admin operations: the edge has already checked the admin token before signing an admin principal. */
export function requireAdmin(ctx: SubgraphContext): void {
  if (ctx.principal.type !== 'admin') throw new AppError('invalid_admin_token', 'This operation needs the admin token.');
}
