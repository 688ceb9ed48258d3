import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { serveFiles } from '@perceptiq/platform';
import type { Express } from 'express';

/**
 * `GET /docs`: Swagger UI rendering `/v1/openapi.json`, every file served from swagger-ui-dist in
 * node_modules (no CDN: the page works on a machine with no internet, under our script-src 'self').
 */
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const SWAGGER_UI_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png'];

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Perceptiq API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="/docs/assets/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/reference.js"></script>
</body>
</html>
`;

// A served file, not an inline script: the CSP allows scripts from 'self' only.
// validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/v1/openapi.json',
  dom_id: '#swagger-ui',
  validatorUrl: null,
  deepLinking: true,
});
`;

export function mountReferencePage(app: Express): void {
  app.get('/', (_req, res) => {
    res.redirect(302, '/docs');
  });
  app.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  app.get('/docs/assets/reference.js', (_req, res) => {
    res.type('js').send(INIT);
  });
  app.get('/docs/assets/:file', serveFiles(SWAGGER_UI_DIR, SWAGGER_UI_FILES));
}
