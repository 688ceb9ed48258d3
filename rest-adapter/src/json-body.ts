import { AppError, readJsonBody } from '@perceptiq/platform';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { checkJsonLimits } from './json-limits.js';

/**
 * Read a route's JSON body within API.md's limits: JSON media type (`415`, before a byte is read),
 * size (`413`), then nesting and string lengths (`400`). A body with no Content-Type is read as
 * JSON (a client posting a string without naming it). Mounted after authentication, so an anonymous
 * caller's body is never read.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const read = readJsonBody({ limitBytes, untypedIsJson: true });
  return (req: Request, res: Response, next: NextFunction): void => {
    read(req, res, (err?: unknown) => {
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
