// `npm run compose`: write gateway/supergraph.graphql from the subgraph SDL files.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeSupergraph, SUPERGRAPH_FILE } from '../compose.js';

writeFileSync(SUPERGRAPH_FILE, composeSupergraph());
console.log(`wrote ${fileURLToPath(SUPERGRAPH_FILE)}`);
