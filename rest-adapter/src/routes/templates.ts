import type { RouteDef } from '../route.js';
import { later } from './actions.js';

/** Templates and extraction. */
export const TEMPLATE_ROUTES: RouteDef[] = [
  { operationId: 'listTemplates', method: 'get', path: '/v1/templates', auth: 'key', scope: 'templates', summary: 'Built-in and own templates', tags: ['templates'], status: 200, action: later('templates') },
  { operationId: 'generateTemplate', method: 'post', path: '/v1/templates/generate', auth: 'key', scope: 'templates', summary: 'Create a template from fields or a sample', tags: ['templates'], status: 201, action: later('template generation') },
  { operationId: 'smartExtract', method: 'post', path: '/v1/templates/smart/extract', auth: 'key', scope: 'templates', summary: 'Extract fields from OCR tokens, text or images', tags: ['templates'], status: 200, action: later('smart extraction') },
  { operationId: 'smartExtractBatch', method: 'post', path: '/v1/templates/smart/extract/batch', auth: 'key', scope: 'templates', summary: 'Smart extraction for up to 100 items', tags: ['templates'], status: 200, action: later('batch extraction') },
];
