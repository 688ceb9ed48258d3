import { AppError, signedStreamRoute, type ContextSigner, type Logger } from '@perceptiq/platform';
import type { Express } from 'express';
import type { Answers } from './answers.js';
import type { IndexedDocuments } from './index/indexed-documents.js';
import type { Speaker } from './speech/index.js';
import { documentLines, summarizeWorkspace } from './workspace-summary.js';

export interface AudioRouteDeps {
  signer: ContextSigner;
  answers: Answers;
  documents: IndexedDocuments;
  speaker: Speaker;
  logger: Logger;
}

const DOC_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `GET /summary/audio?docId=`: `GET /v1/summary/audio` piped here by the REST adapter, from a
 * caller holding the `summary_audio` scope: the document's summary (its title, then the summary),
 * or the workspace's, spoken as `audio/wav` by the speech engine shipped with the service.
 */
export function mountAudioRoute(app: Express, deps: AudioRouteDeps): void {
  const stream = signedStreamRoute(deps.signer, deps.logger);
  app.get(
    '/summary/audio',
    stream('summary_audio', async (req, res, caller) => {
      const { docId, format } = req.query;
      if (format !== undefined && format !== 'wav') {
        throw new AppError('invalid_request', 'Only format=wav is available in this version.', { field: 'format' });
      }
      if (docId !== undefined && (typeof docId !== 'string' || !DOC_ID.test(docId))) {
        throw new AppError('invalid_request', 'docId must be a document id.', { field: 'docId' });
      }
      const clientId = caller.client.client_id;
      let text: string;
      if (docId) {
        const one = await deps.answers.summary(clientId, docId);
        text = `${one.title}. ${one.summary}`;
      } else {
        const [facts, summaries] = await Promise.all([
          deps.answers.active(clientId),
          deps.documents.summaries(clientId),
        ]);
        text = [summarizeWorkspace(facts).summary, ...documentLines(facts, summaries).map((d) => d.summary)].join(' ');
      }
      const wav = await deps.speaker.speak(text);
      res
        .status(200)
        .type('audio/wav')
        .setHeader('Content-Disposition', `inline; filename="summary${docId ? `-${docId}` : ''}.wav"`)
        .end(wav);
    }),
  );
}
