import { counter, isAppError, publicError, type Logger } from '@perceptiq/platform';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import type { OperationAnalysis } from './analyze-operation.js';
import type { GatewayContext } from './context.js';
import { enforceOperationPolicy, type OperationLimits } from './operation-policy.js';
import type { SubgraphClient } from './subgraph-client.js';

const CACHE_SIZE = 1_000;

/** How operations travel through the gateway (`fast`: straight to a subgraph; `apollo`: through Apollo Server, `planned` when the query planner ran). */
export const operationsByPath = () => counter('perceptiq_gateway_operations_total', 'GraphQL operations by the path they took through the gateway', ['path']);

/** An error as a response body carries it, in the shape formatGraphQLError gives (never a stack or an internal message). */
export function wireError(err: unknown): GraphQLFormattedError {
  const pub = publicError(err);
  return { message: pub.message, extensions: { code: pub.code, ...(pub.details ? { details: pub.details } : {}) } };
}

interface GraphQLBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

export interface FastPathOptions {
  client: SubgraphClient;
  logger: Logger;
  limits: OperationLimits;
  authenticate(req: Request, res: Response): Promise<GatewayContext>;
}

/**
 * Operations that one subgraph answers alone and that Apollo Server has already parsed and
 * validated once are, from then on, sent straight to that subgraph: same authentication, same
 * scope, alias and cost policy (measured again for each request's variables when a list
 * size depends on them), but without a second Apollo pipeline in front of the subgraph's own.
 * Everything else (first sight of an operation, introspection, operations spanning subgraphs, GET)
 * goes through Apollo Server and the query planner.
 */
export class GatewayFastPath {
  private readonly validated = new Map<string, OperationAnalysis & { singleSubgraph: string }>();

  constructor(private readonly options: FastPathOptions) {}

  /** Called from the Apollo pipeline once an operation has passed validation and the policy. */
  remember(query: string, operationName: string | null | undefined, analysis: OperationAnalysis): void {
    if (!analysis.singleSubgraph) return;
    if (this.validated.size >= CACHE_SIZE) this.validated.delete(this.validated.keys().next().value!);
    this.validated.set(cacheKey(query, operationName), analysis as OperationAnalysis & { singleSubgraph: string });
  }

  middleware(): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      const body = req.body as GraphQLBody | undefined;
      if (req.method !== 'POST' || typeof body?.query !== 'string' || body.extensions !== undefined) return next();
      if (body.variables !== undefined && body.variables !== null && (typeof body.variables !== 'object' || Array.isArray(body.variables))) return next();
      const analysis = this.validated.get(cacheKey(body.query, body.operationName));
      if (!analysis) return next();
      try {
        const ctx = await this.options.authenticate(req, res);
        const variables = (body.variables ?? {}) as Record<string, unknown>;
        enforceOperationPolicy(analysis, ctx.principal, analysis.measure(variables), this.options.limits);
        const answer = await this.options.client.send(analysis.singleSubgraph, ctx, {
          query: body.query,
          variables,
          operationName: body.operationName ?? null,
        });
        operationsByPath().inc({ path: 'fast' });
        res.status(answer.status).json(answer.body);
      } catch (err) {
        if (!isAppError(err)) this.options.logger.error({ err }, 'gateway fast path failed');
        for (const [name, value] of Object.entries(isAppError(err) ? (err.headers ?? {}) : {})) res.setHeader(name, value);
        res.status(isAppError(err) ? err.httpStatus : 500).json({ errors: [wireError(err)] });
      }
    };
  }
}

const cacheKey = (query: string, operationName: unknown): string => `${typeof operationName === 'string' ? operationName : ''}\u0000${query}`;
