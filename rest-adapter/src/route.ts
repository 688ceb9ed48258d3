import type { ErrorCode, Scope, ServiceName } from '@perceptiq/contracts';
import type { z } from 'zod';

/** What a route's handler receives: validated path params, query and body. */
export interface RouteInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

/** One `/v1` or `/api/access` call mapped onto one GraphQL operation against the gateway. */
export interface GraphqlAction {
  kind: 'graphql';
  document: string;
  variables(input: RouteInput): Record<string, unknown>;
  /** From the operation's `data` to the snake_case response body. */
  shape(data: Record<string, unknown>): unknown;
}

/** Answered from the identity the edge resolved while authenticating (no GraphQL hop). */
export interface IdentityAction {
  kind: 'identity';
}

/**
 * A byte stream piped to the owning service's HTTP endpoint, both ways: uploads in, downloads (audio,
 * exports) out. The bytes never go through GraphQL. The service is called with the route's own
 * method, so a route and its service endpoint cannot disagree on it.
 */
export interface StreamAction {
  kind: 'stream';
  service: ServiceName;
  /** Path on the service, e.g. `/upload`; the query string is passed on. */
  path: string;
}

export type RouteAction = GraphqlAction | IdentityAction | StreamAction;

export interface RouteDef {
  operationId: string;
  method: 'get' | 'post' | 'delete';
  /** OpenAPI-style path: `/v1/documents/{id}`. */
  path: string;
  /** `key`: a partner API key; `admin`: the x-admin-token; `public`: nobody (rate limited per address). */
  auth: 'key' | 'admin' | 'public';
  /** Required scope for key routes; absent = any valid key. */
  scope?: Scope;
  summary: string;
  description?: string;
  tags: string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A `multipart/form-data` body (uploads): its parts, files as `z.file()`. Read by the owning service, documented here. */
  multipart?: z.ZodObject;
  /** The published page's example of this call: its JSON body, and the curl line as the page writes it. */
  example?: { body?: unknown; curl?: string };
  /** Success status and body schema (for the OpenAPI document). */
  status: number;
  response?: z.ZodType;
  /** Error answers this route gives beyond those every route of its kind gives (e.g. `conflict`), for the OpenAPI document. */
  errors?: readonly ErrorCode[];
  /** A success answer that is a file, not JSON: its media types (`Content-Disposition` names it). */
  download?: readonly string[];
  action: RouteAction;
}

/** `/v1/documents/{id}` → `/v1/documents/:id` */
export const expressPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');
