import { request } from 'node:http';
import { pipeline } from 'node:stream';
import type { ServiceName } from '@perceptiq/contracts';
import { AppError, type ContextSigner } from '@perceptiq/platform';
import type { Request, Response } from 'express';
import type { Caller } from './authenticate-route.js';
import type { StreamAction } from './route.js';

/** Request headers that describe a body, passed on with it. */
const BODY_HEADERS = ['content-type', 'content-length', 'transfer-encoding'] as const;
/** Answer headers passed back: what a client needs to read, save or cache the bytes. */
const ANSWER_HEADERS = ['content-type', 'content-length', 'content-disposition', 'cache-control'] as const;

export interface StreamProxyOptions {
  signer: ContextSigner;
  /** A service's HTTP base URL, to which a stream action's path is relative. */
  serviceBase(name: ServiceName): string;
  /** Largest request body passed on (a whole upload); a larger declared one is refused unread. */
  maxBodyBytes: number;
}

export type StreamProxy = (req: Request, res: Response, action: StreamAction, caller: Caller) => Promise<void>;

/**
 * Pipe a call to the owning service's HTTP endpoint with the caller's signed context, and pipe the
 * answer back: same method and query string, the body (an upload's multipart stream) when there
 * is one. Bytes are never buffered here, either way. Resolves once the answer has been passed on.
 */
export function createStreamProxy(options: StreamProxyOptions): StreamProxy {
  const { signer, serviceBase, maxBodyBytes } = options;
  return (req, res, action, caller) => {
    // RFC 9112: a request has a body exactly when it declares a length or a transfer coding.
    const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) {
      req.resume();
      return Promise.reject(new AppError('payload_too_large', `The upload is larger than ${Math.round(maxBodyBytes / (1024 * 1024))} MB in all.`));
    }
    const url = new URL(action.path, serviceBase(action.service));
    const query = req.originalUrl.indexOf('?');
    if (query >= 0) url.search = req.originalUrl.slice(query);
    const headers: Record<string, string> = {
      ...signer.sign({ principal: caller.principal, request_id: req.id, ip: caller.ip }, action.service),
    };
    if (hasBody) {
      for (const name of BODY_HEADERS) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
    }

    return new Promise((resolve, reject) => {
      let answered = false;
      const upstream = request(url, { method: req.method, headers }, (answer) => {
        answered = true;
        res.status(answer.statusCode ?? 502);
        for (const name of ANSWER_HEADERS) {
          const value = answer.headers[name];
          if (value !== undefined) res.setHeader(name, value);
        }
        // A stream cut on either side (client gone, service failing mid-way) tears down the other;
        // the answer has started by then, so nothing is left to say.
        pipeline(answer, res, () => resolve());
      });
      upstream.on('error', () => {
        // Whatever the client still sends has nowhere to go.
        req.unpipe(upstream);
        req.resume();
        if (!answered) reject(new AppError('unavailable', `The ${action.service} service did not answer; try again shortly.`));
      });
      if (!hasBody) {
        upstream.end();
        return;
      }
      req.pipe(upstream);
      // A client giving up mid-upload must not leave the service waiting for the rest.
      req.on('close', () => {
        if (!req.complete) upstream.destroy();
      });
    });
  };
}
