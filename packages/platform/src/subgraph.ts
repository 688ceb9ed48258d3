import type { BaseContext } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { Logger } from 'pino';
import type { CallerContext, ContextSigner, Principal } from './client-context.js';
import { AppError } from './errors.js';
import type { GraphQLAnswer, GraphQLCall } from './graphql-endpoint.js';
import { GraphQLExecutor } from './graphql-executor.js';
import { graphQLErrorResponse } from './http/error-response.js';
import { jsonLane, type Lane } from './http/lane.js';
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
  /** The largest JSON body the edge accepts (`JSON_BODY_LIMIT_BYTES`): a body it let in must reach its subgraph. */
  edgeBodyLimitBytes: number;
}

/** The query text and the variables' re-encoding around a body the edge accepted. */
const BODY_HEADROOM_BYTES = 1024 * 1024;

export interface Subgraph {
  /** Run one call: what the HTTP route does, without HTTP (the gateway's in-process endpoint when embedded, whose call carries its caller). */
  handle(call: GraphQLCall): Promise<GraphQLAnswer>;
  /** The same over HTTP: `POST /graphql` with a JSON body, served ahead of the service's Express app. */
  lane: Lane;
}

/**
 * A federated subgraph. Every operation must carry a valid signed client context (from the
 * gateway); anything else is answered 401 before its body is even read, so a subgraph
 * reached directly gives nothing away. `_service` (composition) is no exception: the supergraph
 * is composed from the SDL files, never by introspection, and introspection is off.
 */
export function createSubgraph(options: SubgraphOptions): Subgraph {
  const executor = new GraphQLExecutor(buildSubgraphSchema({ typeDefs: parse(options.typeDefs), resolvers: options.resolvers as never }), options.logger);
  const verify = (headers: GraphQLCall['headers']) => options.signer.verify(headers);
  const unsigned = () => new AppError('invalid_token', 'A valid signed client context is required.');

  function run(ctx: CallerContext, body: unknown): Promise<GraphQLAnswer> {
    const clientId = ctx.principal.type === 'client' ? ctx.principal.client.client_id : undefined;
    let logger: Logger | undefined;
    const contextValue: SubgraphContext = {
      principal: ctx.principal,
      requestId: ctx.request_id,
      ip: ctx.ip,
      // Made on first use: most operations log nothing, and a child logger costs more than the rest of a small query.
      get logger() {
        return (logger ??= options.logger.child(clientId ? { requestId: ctx.request_id, clientId } : { requestId: ctx.request_id }));
      },
    };
    // Restore the original request id (and caller) for logs and bus calls made by resolvers.
    return runWithContext({ requestId: ctx.request_id, ...(clientId ? { clientId } : {}) }, () => executor.run(body, contextValue));
  }

  async function handle(call: GraphQLCall): Promise<GraphQLAnswer> {
    const ctx = call.caller ?? verify(call.headers);
    return ctx ? run(ctx, call.body) : executor.refuse(unsigned());
  }

  const lane = jsonLane<CallerContext>({
    component: options.name,
    logger: options.logger,
    method: 'POST',
    path: '/graphql',
    // Room for the base64 uploads of small files (5 MB each) that ingest accepts through GraphQL,
    // and for any JSON body the edge accepted (smart extraction's payloads pass through as they are).
    limitBytes: Math.max(8 * 1024 * 1024, options.edgeBodyLimitBytes + BODY_HEADROOM_BYTES),
    // The signature first: a body from anyone else is never read.
    authenticate: (req) => {
      const ctx = verify(req.headers as GraphQLCall['headers']);
      if (!ctx) throw unsigned();
      return ctx;
    },
    answer: (ctx, body) => run(ctx, body),
    // Whatever the lane itself refuses (the caller, the body) is answered as the executor refuses a call.
    errorResponse: (err) => (err instanceof AppError ? executor.refuse(err) : graphQLErrorResponse(err, options.logger)),
  });
  return { handle, lane };
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
