import { loadTypeDefs, type ServiceFactory } from '@perceptiq/platform';
import { createAccess } from './app.js';
import type { AccessSettings } from './config.js';
import { createResolvers } from './resolvers.js';

export { createAccess, type Access, type AccessDeps } from './app.js';
export type { Actor } from './access-service.js';
export { accessSettings, type AccessSettings } from './config.js';

export const createAccessService: ServiceFactory<AccessSettings> = async (deps) => {
  const access = createAccess({
    store: deps.store,
    bus: deps.bus,
    logger: deps.logger,
    lifecycle: deps.lifecycle,
    keySecret: deps.secrets.keySecret,
    adminToken: deps.secrets.adminToken,
    ...deps.settings,
  });
  return {
    name: 'access',
    typeDefs: loadTypeDefs(import.meta.url),
    resolvers: createResolvers(access.service, access.ipGuard),
    start: access.start,
  };
};
