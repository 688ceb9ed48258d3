export { createGatewayApp, serveGateway, type GatewayDeps } from './app.js';
export { composeSupergraph, readCommittedSupergraph } from './compose.js';
