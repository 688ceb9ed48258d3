import type { RouteDef } from '../route.js';
import { later } from './actions.js';

/** Analytics: exports, tagging, comparison, usage metrics. */
export const ANALYTICS_ROUTES: RouteDef[] = [
  { operationId: 'exportData', method: 'get', path: '/v1/export', auth: 'key', scope: 'export', summary: 'Export documents, extractions, questions or tags', tags: ['analytics'], status: 200, action: later('exports') },
  { operationId: 'autoTagText', method: 'post', path: '/v1/tagging', auth: 'key', scope: 'tagging', summary: 'Document type, language, tags, entities and PII', tags: ['analytics'], status: 200, action: later('tagging') },
  { operationId: 'compareDocs', method: 'post', path: '/v1/compare', auth: 'key', scope: 'compare', summary: 'Compare two documents section by section', tags: ['analytics'], status: 200, action: later('document comparison') },
  { operationId: 'getDashboardMetrics', method: 'get', path: '/v1/dashboard/metrics', auth: 'key', scope: 'metrics', summary: "The client's own usage figures", tags: ['analytics'], status: 200, action: later('dashboard metrics') },
];
