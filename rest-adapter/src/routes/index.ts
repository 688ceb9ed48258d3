import type { RouteDef } from '../route.js';
import { ACCESS_ROUTES } from './access.js';
import { ANALYTICS_ROUTES } from './analytics.js';
import { DOCUMENT_ROUTES } from './documents.js';
import { QUESTION_ROUTES } from './questions.js';
import { TEMPLATE_ROUTES } from './templates.js';

/**
 * The route table: every path of the published page and of API.md, with its scope, its request
 * schemas and what answers it. The OpenAPI document is generated from this table, and the scope
 * matrix test walks it, so a path cannot be documented one way and enforced another.
 */
export const ROUTES: RouteDef[] = [...ACCESS_ROUTES, ...DOCUMENT_ROUTES, ...QUESTION_ROUTES, ...TEMPLATE_ROUTES, ...ANALYTICS_ROUTES];
