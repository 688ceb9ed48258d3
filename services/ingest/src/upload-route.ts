import { AppError, signedStreamRoute, type ContextSigner, type Logger } from '@perceptiq/platform';
import type { Express } from 'express';
import type { IngestService } from './ingest-service.js';
import { receiveUpload, type ReceiveOptions } from './receive-upload.js';

/**
 * `POST /upload?merge=`: the byte stream of `POST /v1/upload`, piped here by the REST adapter
 * (bytes never go through GraphQL), from a caller holding the `upload` scope.
 */
export function mountUploadRoute(app: Express, deps: { signer: ContextSigner; service: IngestService; receive: ReceiveOptions; logger: Logger }): void {
  const stream = signedStreamRoute(deps.signer, deps.logger);
  app.post(
    '/upload',
    stream('upload', async (req, res, caller) => {
      const merge = req.query.merge === undefined || req.query.merge === 'true';
      if (req.query.merge !== undefined && req.query.merge !== 'true' && req.query.merge !== 'false') {
        throw new AppError('invalid_request', 'merge must be true or false.', { field: 'merge' });
      }
      const files = await receiveUpload(req, deps.receive);
      const answer = await deps.service.acceptUpload(caller.client.client_id, files, merge);
      const accepted = answer.documents.some((d) => d.status !== 'rejected');
      if (accepted) {
        res.status(202).json(answer);
        return;
      }
      // Nothing accepted: the first refusal's status, with every file's outcome in the details.
      const first = files.find((f) => f.refusal)?.refusal ?? new AppError('invalid_request', 'No file was accepted.');
      throw new AppError(first.code, first.message, { batch_id: answer.batch_id, documents: answer.documents });
    }),
  );
}
