import { QuestionAsked } from '@perceptiq/contracts';
import { newId, type Bus, type Logger } from '@perceptiq/platform';
import type { AskResult } from './retrieval/index.js';

/** Questions and answers are clipped in the event: usage metrics count them, exports list them. */
const MAX_CHARS = 2_000;

/**
 * Tell the other services a question was answered (`question.asked`): analytics counts it and
 * lists it in exports. The answer stands whether or not the event could be sent.
 */
export async function announceQuestion(bus: Pick<Bus, 'publish'>, logger: Logger, clientId: string, question: string, result: AskResult): Promise<void> {
  try {
    await bus.publish(QuestionAsked, {
      question_id: newId('question'),
      client_id: clientId,
      question: question.slice(0, MAX_CHARS),
      answer: result.answer.slice(0, MAX_CHARS),
      found: result.found,
      mode: result.mode,
      confidence: result.confidence,
      doc_ids: [...new Set(result.citations.map((c) => c.doc_id))],
      at: new Date().toISOString(),
    });
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'could not publish question.asked');
  }
}
