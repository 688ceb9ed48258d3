import {
  AppError,
  CONTEXT_HEADER,
  CONTEXT_SIGNATURE_HEADER,
  publicError,
  type ContextSigner,
  type Logger,
} from '@perceptiq/platform';
import type { Express, Request, Response } from 'express';
import type { IngestService } from './ingest-service.js';
import { receiveUpload, type ReceiveOptions } from './receive-upload.js';

/**
 * `POST /upload?merge=`: the byte stream of `POST /v1/upload`, piped here by the REST adapter
 * (bytes never go through GraphQL). The caller is the signed client context the adapter sends,
 * as for GraphQL; nothing is accepted without one.
 */
export function mountUploadRoute(app: Express, deps: { signer: ContextSigner; service: IngestService; receive: ReceiveOptions; logger: Logger }): void {
  app.post('/upload', async (req: Request, res: Response) => {
    try {
      const ctx = deps.signer.verify(req.headers[CONTEXT_HEADER], req.headers[CONTEXT_SIGNATURE_HEADER]);
      if (!ctx || ctx.principal.type !== 'client') throw new AppError('invalid_token', 'A valid signed client context is required.');
      if (!ctx.principal.client.scopes.includes('upload')) {
        throw new AppError('insufficient_scope', 'This call needs the "upload" scope.', { required_scope: 'upload' });
      }
      const merge = req.query.merge === undefined || req.query.merge === 'true';
      if (req.query.merge !== undefined && req.query.merge !== 'true' && req.query.merge !== 'false') {
        throw new AppError('invalid_request', 'merge must be true or false.', { field: 'merge' });
      }
      const files = await receiveUpload(req, deps.receive);
      const answer = await deps.service.acceptUpload(ctx.principal.client.client_id, files, merge);
      const accepted = answer.documents.some((d) => d.status !== 'rejected');
      if (accepted) {
        res.status(202).json(answer);
        return;
      }
      // Nothing accepted: the first refusal's status, with every file's outcome in the details.
      const first = files.find((f) => f.refusal)?.refusal ?? new AppError('invalid_request', 'No file was accepted.');
      throw new AppError(first.code, first.message, { batch_id: answer.batch_id, documents: answer.documents });
    } catch (err) {
      if (!(err instanceof AppError)) deps.logger.error({ err }, 'upload failed');
      const pub = publicError(err);
      res.status(err instanceof AppError ? err.httpStatus : 500).json({
        error: { code: pub.code, message: pub.message, request_id: req.id, ...(pub.details ? { details: pub.details } : {}) },
      });
    }
  });
}
