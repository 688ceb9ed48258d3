export { summarizeDocument, type DocumentSummary, type SummarizeInput, type SummarizeOptions } from './summarize.js';
export type { KeyFacts } from './key-facts.js';
