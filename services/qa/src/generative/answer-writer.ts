import { completeChat } from './chat-completions.js';
import { buildMessages, NOT_FOUND, type Passage } from './prompt.js';

export interface GenerativeOptions {
  /** The OpenAI-compatible API's base, e.g. `http://localhost:11434/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` when set. */
  apiKey?: string;
  model: string;
  /** The whole exchange, answer read included. */
  timeoutMs: number;
  /** Longest reply asked for, in tokens (default DEFAULT_MAX_TOKENS). */
  maxTokens?: number;
}

export interface GeneratedAnswer {
  /** The model's answer, citing passages as [1], [2]…; '' when not found. */
  answer: string;
  found: boolean;
}

export interface AnswerWriter {
  /** An answer to `question` from `passages` (best first), or a GenerativeError for the caller to fall back on. */
  write(question: string, passages: Passage[]): Promise<GeneratedAnswer>;
}

export const DEFAULT_MAX_TOKENS = 512;
export const MAX_ANSWER_CHARS = 2_000;
/** NOT_FOUND as models actually send it: maybe quoted, bold or with a full stop. */
const NOT_FOUND_REPLY = new RegExp(`^[\\s"'\`*.]*${NOT_FOUND}[\\s"'\`*.]*$`);
const NOTHING_FOUND: GeneratedAnswer = { answer: '', found: false };

/** Cut after the last whole word within MAX_ANSWER_CHARS, marked as cut. */
function capAnswer(answer: string): string {
  if (answer.length <= MAX_ANSWER_CHARS) return answer;
  const head = answer.slice(0, MAX_ANSWER_CHARS);
  const wordEnd = head.search(/\s\S*$/);
  return `${(wordEnd > 0 ? head.slice(0, wordEnd) : head).trimEnd()}…`;
}

/** Writes answers from retrieved passages with a chat model (see GenerativeOptions). */
export function createAnswerWriter(options: GenerativeOptions): AnswerWriter {
  return {
    async write(question, passages) {
      // Nothing to answer from: the model could only say NOT_FOUND, or make something up.
      if (!passages.length) return NOTHING_FOUND;
      const reply = await completeChat({
        baseUrl: options.baseUrl,
        apiKey: options.apiKey,
        model: options.model,
        timeoutMs: options.timeoutMs,
        maxTokens: options.maxTokens ?? DEFAULT_MAX_TOKENS,
        messages: buildMessages(question, passages),
      });
      const answer = reply.trim();
      if (!answer || NOT_FOUND_REPLY.test(answer)) return NOTHING_FOUND;
      return { answer: capAnswer(answer), found: true };
    },
  };
}
