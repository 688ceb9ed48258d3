import { AppError, loadTypeDefs, requireClient, type ServiceFactory, type SubgraphContext } from '@perceptiq/platform';

/** The analytics service; tagging, comparison, exports and metrics arrive with their own issues. */
export const createAnalyticsService: ServiceFactory = async () => ({
  name: 'analytics',
  typeDefs: loadTypeDefs(import.meta.url),
  resolvers: {
    Query: {
      dashboardMetrics: (_: unknown, __: unknown, ctx: SubgraphContext) => {
        requireClient(ctx);
        throw new AppError('not_implemented', 'Dashboard metrics are not available in this version yet.');
      },
    },
  },
});
