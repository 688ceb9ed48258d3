import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors.js';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/** RFC 9112: a request has a body when it declares a length or a transfer coding. */
const hasBody = (req: IncomingMessage): boolean => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

export interface JsonBodyOptions {
  /** Largest body read, in bytes: past it `413 payload_too_large`, unread. */
  limitBytes: number;
  /** Read a body that declares no Content-Type as JSON (REST: `curl -d` without `-H`); otherwise it is `415`. */
  untypedIsJson?: boolean;
}

const tooLarge = (limitBytes: number) => new AppError('payload_too_large', 'The request body is larger than the limit.', { max_bytes: limitBytes });
const unsupported = (message: string) => new AppError('unsupported_media_type', message);

/**
 * A request's JSON body (`undefined` when it has none), on bare node:http so the hot GraphQL
 * routes need no framework. Refused before a byte is read: a type other than JSON (`415`), a
 * charset other than UTF-8 or any content coding (`415`: nothing of ours compresses its requests,
 * and inflating is where decompression bombs live), a declared length over the limit (`413`).
 * Counted while it arrives: past the limit the rest is never buffered (`413`). Not JSON: `400`.
 * Only an object or an array is a body (`400` otherwise). No message quotes the body.
 */
export function readJson(req: IncomingMessage, options: JsonBodyOptions): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type ? !JSON_TYPE.test(type) : !options.untypedIsJson && hasBody(req)) {
    return Promise.reject(unsupported('Send a JSON body with Content-Type: application/json.'));
  }
  const charset = type && CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') return Promise.reject(unsupported('The request body charset is not supported.'));
  const coding = req.headers['content-encoding'];
  if (coding && coding.toLowerCase() !== 'identity') return Promise.reject(unsupported('The request body encoding is not supported.'));
  if (Number(req.headers['content-length'] ?? 0) > options.limitBytes) return Promise.reject(tooLarge(options.limitBytes));
  if (!hasBody(req)) return Promise.resolve(undefined);

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > options.limitBytes) {
        req.off('data', onData);
        // Not buffered further: node discards the rest once the 413 is answered.
        reject(tooLarge(options.limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('aborted', () => reject(new AppError('invalid_request', 'The request body ended early.')));
    req.once('error', () => reject(new AppError('invalid_request', 'The request body ended early.')));
    req.once('end', () => {
      if (received > options.limitBytes) return;
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
      const first = /\S/.exec(text)?.[0];
      if (!first) return resolve(undefined);
      // An object or an array, as every body of ours is: a bare string or number is not a request.
      if (first !== '{' && first !== '[') return reject(new AppError('invalid_request', 'The request body is not valid JSON.'));
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new AppError('invalid_request', 'The request body is not valid JSON.'));
      }
    });
  });
}

/**
 * `readJson` as Express middleware: the body in `req.body`. Put it after authentication, so an
 * anonymous caller's body is never read.
 */
export function readJsonBody(options: JsonBodyOptions): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction): void => {
    readJson(req, options).then((body) => {
      req.body = body;
      next();
    }, next);
  };
}
