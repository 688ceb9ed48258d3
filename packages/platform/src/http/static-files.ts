import { join } from 'node:path';
import type { RequestHandler } from 'express';

/**
 * A route's handler (its path ends in `:file`) serving the named files of `dir` and nothing else of
 * it: the pages' assets come from package directories that hold more than a page needs.
 */
export function serveFiles(dir: string, names: Iterable<string>): RequestHandler {
  const allowed = new Set(names);
  return (req, res, next) => {
    const name = req.params.file;
    if (typeof name !== 'string' || !allowed.has(name)) return next();
    res.sendFile(join(dir, name), { maxAge: '1h' });
  };
}
