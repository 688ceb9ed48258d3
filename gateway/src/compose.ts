import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { SERVICE_DEFAULT_PORT, SERVICE_NAMES } from '@perceptiq/contracts';
import { parse } from 'graphql';

/** The repository root, from `gateway/src` (jest) or `gateway/dist` (built). */
const ROOT = new URL('../../', import.meta.url);

export const SUPERGRAPH_FILE = new URL('gateway/supergraph.graphql', ROOT);

export const subgraphSdlFile = (name: string): URL => new URL(`services/${name}/src/schema.graphql`, ROOT);

/**
 * Compose the supergraph from the five subgraph SDL files, offline. The URLs written into it are
 * the embedded defaults; the gateway replaces them with the configured `<NAME>_URL` at start-up.
 */
export function composeSupergraph(): string {
  const result = composeServices(
    SERVICE_NAMES.map((name) => ({
      name,
      url: `http://127.0.0.1:${SERVICE_DEFAULT_PORT[name]}/graphql`,
      typeDefs: parse(readFileSync(subgraphSdlFile(name), 'utf8')),
    })),
  );
  if (result.errors) {
    throw new Error(`Supergraph composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl + '\n';
}

export function readCommittedSupergraph(): string {
  return readFileSync(SUPERGRAPH_FILE, 'utf8');
}
