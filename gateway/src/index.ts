export { createGatewayApp, serveGateway, type GatewayDeps, type ServingGateway } from './app.js';
export { composeSupergraph, readCommittedSupergraph } from './compose.js';
export { gatewaySettings, type GatewaySettings } from './config.js';
