import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serveFiles, type Logger } from '@perceptiq/platform';
import type { Express, NextFunction, Request, Response } from 'express';

/**
 * GraphiQL for a browser opening `/graphql`: the bundle `gateway/scripts/build-browser.mjs` writes
 * to `gateway/dist/browser` (`npm run build`), every file served from here, nothing from a CDN.
 * From `src/` (tests) and `dist/` alike, `../dist/browser` is that directory.
 */
const BUNDLE_DIR = fileURLToPath(new URL('../dist/browser/', import.meta.url));
const ASSETS = '/graphql/assets';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Perceptiq GraphQL</title>
<link rel="stylesheet" href="${ASSETS}/graphiql.css">
<script type="module" src="${ASSETS}/graphiql.js"></script>
</head>
<body><div id="graphiql"></div></body>
</html>
`;

const NOT_BUILT = 'GraphiQL is not built: run `npm run build` (gateway/scripts/build-browser.mjs), then restart the gateway.\n';

/** A GET or HEAD from a browser, which prefers HTML to JSON: it wants the page, and runs no operation. */
export const wantsPage = (req: Request): boolean =>
  (req.method === 'GET' || req.method === 'HEAD') && req.accepts(['application/json', 'text/html']) === 'text/html';

/** Mounts the assets, and returns the handler answering a browser at `/graphql` (others go on to the endpoint). */
export function mountGraphiql(app: Express, logger: Logger): (req: Request, res: Response, next: NextFunction) => void {
  const built = existsSync(`${BUNDLE_DIR}graphiql.js`);
  if (!built) logger.warn({ dir: BUNDLE_DIR }, 'GraphiQL bundle missing: browsers opening /graphql get a note to build it');
  app.get(`${ASSETS}/:file`, serveFiles(BUNDLE_DIR, built ? readdirSync(BUNDLE_DIR) : []));
  return (req, res, next) => {
    if (!wantsPage(req)) return next();
    if (!built) res.status(503).type('text').send(NOT_BUILT);
    else res.type('html').send(PAGE);
  };
}
