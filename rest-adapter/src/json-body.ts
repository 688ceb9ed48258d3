import { AppError } from '@perceptiq/platform';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { checkJsonLimits } from './json-limits.js';

/**
 * Read a route's JSON body within API.md's limits: size (`413`), JSON media type (`415`), then
 * nesting and string lengths (`400`). Anything but JSON is refused before a byte is parsed.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  // Read as JSON whatever the type, none included: other declared types are refused (415) first.
  const json = express.json({ limit: limitBytes, strict: true, type: () => true });
  return (req: Request, res: Response, next: NextFunction): void => {
    const type = req.get('content-type');
    if (type && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      throw new AppError('unsupported_media_type', 'Send a JSON body with Content-Type: application/json.');
    }
    json(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (req.body === undefined) return next(new AppError('invalid_request', 'A JSON body is required.'));
      try {
        checkJsonLimits(req.body);
      } catch (e) {
        return next(e);
      }
      next();
    });
  };
}
