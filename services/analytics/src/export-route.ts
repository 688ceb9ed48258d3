import { pipeline } from 'node:stream/promises';
import { ExportQuery } from '@perceptiq/contracts';
import { parseOrThrow, signedStreamRoute, type ContextSigner, type Logger } from '@perceptiq/platform';
import type { Express } from 'express';
import type { ExportSources } from './export-sources.js';
import { contentType, exportStream, fileName, SCOPE_KINDS } from './export/index.js';

/**
 * `GET /export?scope=&format=`: `GET /v1/export` piped here by the REST adapter, from a caller
 * holding the `export` scope: the caller's own data, encoded as it is read (a page at a time from
 * each owner, only as fast as the caller takes the bytes), so a workspace of any size exports in
 * the same memory. A failure before the first byte is an error in the envelope; after it, the
 * download is cut short (never ended as if whole).
 */
export function mountExportRoute(app: Express, deps: { signer: ContextSigner; sources: ExportSources; logger: Logger }): void {
  const stream = signedStreamRoute(deps.signer, deps.logger);
  app.get(
    '/export',
    stream('export', async (req, res, caller) => {
      const { scope, format } = parseOrThrow(ExportQuery, req.query);
      const exportedAt = new Date();
      const sections = SCOPE_KINDS[scope].map((kind) => ({ kind, rows: deps.sources.rows(caller.client.client_id, kind) }));
      const body = exportStream({ scope, format, exportedAt, sections });
      res.status(200).setHeader('Content-Type', contentType(format));
      res.setHeader('Content-Disposition', `attachment; filename="${fileName(scope, format, exportedAt)}"`);
      await pipeline(body, res);
    }),
  );
}
