import {
  execute,
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import type { Logger } from 'pino';
import { AppError } from './errors.js';
import type { GraphQLAnswer } from './graphql-endpoint.js';
import { formatExecutionErrors, formatGraphQLError, toGraphQLError } from './graphql-errors.js';

const DOCUMENT_CACHE_SIZE = 1_000;
/** Far above any operation the gateway plans (and the gateway itself bounds what reaches it). */
const MAX_TOKENS = 10_000;

type Prepared = { document: DocumentNode } | { errors: readonly GraphQLError[] };

interface Body {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/**
 * The GraphQL pipeline of a subgraph, without a server framework around it: an operation is parsed
 * and validated once and kept (the gateway sends the same few operations over and over), then
 * executed against the schema. Answers follow the GraphQL-over-HTTP conventions Apollo Server
 * used here before: 400 for operations that cannot run, the HTTP status an error carries in
 * `extensions.http` otherwise, and every error mapped by `formatGraphQLError`.
 */
export class GraphQLExecutor {
  private readonly prepared = new Map<string, Prepared>();
  private readonly format: ReturnType<typeof formatGraphQLError>;

  constructor(
    private readonly schema: GraphQLSchema,
    logger: Logger,
  ) {
    this.format = formatGraphQLError(logger);
  }

  async run(body: unknown, contextValue: unknown): Promise<GraphQLAnswer> {
    const { query, variables, operationName } = (body ?? {}) as Body;
    if (typeof query !== 'string' || query === '') return this.refuse('A GraphQL request needs a non-empty "query" string.');
    if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return this.refuse('"variables" must be an object.');
    if (operationName != null && typeof operationName !== 'string') return this.refuse('"operationName" must be a string.');
    const prepared = this.prepare(query);
    if ('errors' in prepared) return this.answer({ errors: prepared.errors }, 400);
    const operation = getOperationAST(prepared.document, operationName);
    if (!operation || operation.operation === 'subscription') {
      return this.refuse(operationName ? `Unknown operation named "${operationName}".` : 'Name the operation to run with "operationName".');
    }
    const result = await execute({
      schema: this.schema,
      document: prepared.document,
      variableValues: (variables ?? {}) as Record<string, unknown>,
      operationName: operationName ?? undefined,
      contextValue,
    });
    // No `data` at all: the variables did not fit the operation, so nothing ran (the caller's fault).
    if (result.data === undefined) return this.answer({ errors: (result.errors ?? []).map(callerError) }, 400);
    return this.answer(result, 200);
  }

  private prepare(query: string): Prepared {
    const cached = this.prepared.get(query);
    if (cached) return cached;
    let prepared: Prepared;
    try {
      const document = parse(query, { maxTokens: MAX_TOKENS });
      const errors = validate(this.schema, document, [...specifiedRules, NoSchemaIntrospectionCustomRule]);
      prepared = errors.length ? { errors: errors.map(callerError) } : { document };
    } catch (err) {
      prepared = { errors: [err instanceof GraphQLError ? callerError(err) : callerError(new GraphQLError(String(err)))] };
    }
    if (this.prepared.size >= DOCUMENT_CACHE_SIZE) this.prepared.delete(this.prepared.keys().next().value!);
    this.prepared.set(query, prepared);
    return prepared;
  }

  /** An answer refusing the whole request before anything ran, with the error's own status. */
  refuse(error: AppError | string): GraphQLAnswer {
    return this.answer({ errors: [toGraphQLError(typeof error === 'string' ? new AppError('invalid_request', error) : error)] }, 400);
  }

  /** Format the errors; the status is the last one an error asks for in `extensions.http`, else `status`. */
  private answer(result: ExecutionResult, status: number): GraphQLAnswer {
    if (!result.errors?.length) return { status, body: { data: result.data } };
    const formatted = formatExecutionErrors(result.errors, this.format, status);
    return { status: formatted.status, headers: formatted.headers, body: result.data === undefined ? { errors: formatted.errors } : { data: result.data, errors: formatted.errors } };
  }
}

/** A parse or validation error: the caller's operation is wrong, so `invalid_request` with graphql's own message. */
function callerError(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
}
