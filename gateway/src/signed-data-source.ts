import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { isAppError, toGraphQLError } from '@perceptiq/platform';
import type { GatewayContext } from './context.js';
import type { SubgraphClient } from './subgraph-client.js';

type GatewayResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/**
 * The query planner's fetches, sent through the same SubgraphClient as the fast path: the signed
 * caller context, the timeout and the answer's size cap apply to every way a subgraph is reached.
 * (Apollo's RemoteGraphQLDataSource buffers whatever a subgraph sends, without a size or time limit.)
 * A subgraph's answer is already in our error format and passes through as it is.
 */
export class SignedContextDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: string,
    private readonly client: SubgraphClient,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayResponse> {
    const { query, variables, operationName, extensions } = options.request;
    if (!query) throw new Error('The query planner sent a fetch without a query.');
    const caller = 'incomingRequestContext' in options ? options.context : undefined;
    try {
      const answer = await this.client.send(this.subgraph, caller, { query, variables, operationName, extensions });
      return answer.body as GatewayResponse;
    } catch (err) {
      // With its HTTP status, so a cut-off or unreachable subgraph is not answered as a success.
      throw isAppError(err) ? toGraphQLError(err) : err;
    }
  }
}
