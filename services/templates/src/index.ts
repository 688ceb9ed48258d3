import { AppError, loadTypeDefs, requireClient, type ServiceFactory, type SubgraphContext } from '@perceptiq/platform';

/** The templates service; its capabilities (templates, generation, smart extraction) arrive with their own issue. */
export const createTemplatesService: ServiceFactory = async () => ({
  name: 'templates',
  typeDefs: loadTypeDefs(import.meta.url),
  resolvers: {
    Query: {
      templates: (_: unknown, __: unknown, ctx: SubgraphContext) => {
        requireClient(ctx);
        throw new AppError('not_implemented', 'Templates are not available in this version yet.');
      },
    },
  },
});
