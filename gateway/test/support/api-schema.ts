import { ApolloGateway } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';
import { withoutSecurityFeatures } from '../../src/supergraph-index.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** The API schema a real ApolloGateway serves for a supergraph, as the gateway builds it; `stop` when done. */
export async function loadApiSchema(supergraphSdl: string): Promise<{ schema: GraphQLSchema; stop(): Promise<void> }> {
  const gateway = new ApolloGateway({ supergraphSdl: withoutSecurityFeatures(supergraphSdl), logger: quiet });
  const { schema } = await gateway.load();
  return { schema, stop: () => gateway.stop() };
}
