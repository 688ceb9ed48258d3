export { createAnswerWriter, DEFAULT_MAX_TOKENS, MAX_ANSWER_CHARS, type AnswerWriter, type GeneratedAnswer, type GenerativeOptions } from './answer-writer.js';
export { MAX_RESPONSE_BYTES } from './chat-completions.js';
export { GenerativeError, type GenerativeFailure } from './generative-error.js';
export { MAX_PASSAGE_CHARS, MAX_PASSAGES, NOT_FOUND, type Passage } from './prompt.js';
