import type { IncomingMessage, ServerResponse } from 'node:http';
import { runWithContext } from '../request-context.js';
import { readJson } from './json-body.js';
import { frameRequest, type FrameOptions } from './request-frame.js';

/**
 * A hot route served on bare node:http ahead of Express (`listen`'s `lane`): it returns true when
 * it took the request, false to leave it to the app. Express's router, response helpers and body
 * parser cost more than a small GraphQL call itself, on every hop between our servers.
 */
export type Lane = (req: IncomingMessage, res: ServerResponse) => boolean;

/** What a lane answers: a status, extra headers and a JSON body. */
export interface JsonAnswer {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export interface JsonLaneOptions<C> extends FrameOptions {
  method: 'POST';
  path: string;
  /** Further conditions; false leaves the request to the app (e.g. a browser's cross-origin call, for CORS). */
  accepts?: (req: IncomingMessage) => boolean;
  limitBytes: number;
  /** Who is calling, before a byte of the body is read; throws to refuse. */
  authenticate(req: IncomingMessage, res: ServerResponse, requestId: string): C | Promise<C>;
  answer(caller: C, body: unknown, req: IncomingMessage, requestId: string): Promise<JsonAnswer>;
  /** An error in the server's own shape. */
  errorResponse(err: unknown, requestId: string): JsonAnswer;
}

/**
 * One JSON route (`POST /graphql`) as the base app would serve it — request id, security headers,
 * metrics and log line (request-frame.ts), the caller checked before the body is read, the body
 * within its limit (json-body.ts), every error in the server's shape — without Express.
 */
export function jsonLane<C>(options: JsonLaneOptions<C>): Lane {
  const route = () => options.path;
  return (req, res) => {
    if (req.method !== options.method || pathOf(req.url) !== options.path || (options.accepts && !options.accepts(req))) return false;
    const requestId = frameRequest(req, res, options, route);
    runWithContext({ requestId }, async () => {
      let answer: JsonAnswer;
      try {
        const caller = await options.authenticate(req, res, requestId);
        const body = await readJson(req, { limitBytes: options.limitBytes });
        answer = await options.answer(caller, body, req, requestId);
      } catch (err) {
        // A body left unread (refused, or over the limit) is discarded by node once this is answered, as under Express.
        answer = options.errorResponse(err, requestId);
      }
      sendJson(res, answer);
    });
    return true;
  };
}

function sendJson(res: ServerResponse, answer: JsonAnswer): void {
  const json = JSON.stringify(answer.body);
  if (answer.headers) for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) }).end(json);
}

const pathOf = (url: string | undefined) => {
  const at = url?.indexOf('?') ?? -1;
  return at < 0 ? url : url!.slice(0, at);
};
