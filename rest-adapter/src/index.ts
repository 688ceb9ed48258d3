export { createRestApp, serveRest, type RestDeps } from './app.js';
export { ROUTES } from './routes/index.js';
export type { RouteDef } from './route.js';
