import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../errors.js';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

/** RFC 9112: a request has a body when it declares a length or a transfer coding. */
const hasBody = (req: Request): boolean => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

export interface JsonBodyOptions {
  /** Largest body read, in bytes: past it `413 payload_too_large`, unread. */
  limitBytes: number;
  /** Read a body that declares no Content-Type as JSON (REST: `curl -d` without `-H`); otherwise it is `415`. */
  untypedIsJson?: boolean;
}

/**
 * Read a JSON request body into `req.body` (`undefined` when there is none). A body declared as
 * anything but JSON is refused (`415`) before a byte is read. Put it after authentication, so an
 * anonymous caller's body is never read. Its failures reach the error handler as body-parser's
 * errors, which `sendError` words as ours without quoting the body.
 */
export function readJsonBody(options: JsonBodyOptions): RequestHandler {
  const parse = express.json({ limit: options.limitBytes, strict: true, type: () => true });
  return (req: Request, res: Response, next: NextFunction): void => {
    const type = req.get('content-type');
    if (type ? !JSON_TYPE.test(type) : !options.untypedIsJson && hasBody(req)) {
      return next(new AppError('unsupported_media_type', 'Send a JSON body with Content-Type: application/json.'));
    }
    parse(req, res, next);
  };
}
