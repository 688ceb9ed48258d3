import { GetDocumentPages, MAX_OCR_TOKENS, RecognizeImage, type SmartExtractPayload } from '@perceptiq/contracts';
import { AppError, type Bus } from '@perceptiq/platform';
import type { ExtractionInput, Token } from './engine/types.js';
import { normalizeTokens } from './layout/index.js';

/** OCR of an image can take seconds; the engine's own page budget is the real bound. */
const OCR_TIMEOUT_MS = 60_000;
/** A stored document's pages are fetched a few at a time: a bus message holds about 1 MB. */
const PAGES_PER_REQUEST = 8;
/** Fields live on a document's first pages; reading further only costs time. */
export const MAX_DOCUMENT_PAGES = 50;

type Words = Array<{ text: string; bbox: [number, number, number, number] }>;

/** A page's words as tokens; blank words dropped, boxes already page fractions. */
const wordsToTokens = (words: Words, page: number): Token[] =>
  words.filter((w) => w.text.trim()).map((w) => ({ text: w.text.trim().replace(/\s+/g, ' '), page, bbox: w.bbox }));

/** `data:image/png;base64,…` or bare base64: the base64 part. */
const base64Of = (image: string): string => {
  const comma = image.startsWith('data:') ? image.indexOf(',') : -1;
  return (comma >= 0 ? image.slice(comma + 1) : image).replace(/\s+/g, '');
};

/** What a payload, a sample or a stored document gives extraction to read, with what was ignored on the way. */
export interface PreparedInput {
  input: ExtractionInput;
  warnings: string[];
}

/**
 * Turns what partners send into what the engine reads: tokens in page fractions (converting
 * other tools' geometry), plain text, or images read by ingest's OCR over the bus (one page each,
 * in order). Tokens win over images, and images over text, when several are given.
 */
export class DocumentInput {
  constructor(private readonly bus: Pick<Bus, 'request'>) {}

  async fromPayload(clientId: string, payload: Pick<SmartExtractPayload, 'ocr_tokens' | 'document_text' | 'document_images' | 'page_size'>): Promise<PreparedInput> {
    const { ocr_tokens, document_text, document_images, page_size } = payload;
    const warnings: string[] = [];
    if (ocr_tokens.length) {
      const normalized = normalizeTokens(ocr_tokens, page_size);
      if (document_images.length) warnings.push('document_images: ignored, ocr_tokens were given');
      return { input: { tokens: normalized.tokens, text: '' }, warnings: [...normalized.warnings, ...warnings] };
    }
    if (document_images.length) {
      const tokens: Token[] = [];
      for (const [i, image] of document_images.entries()) {
        try {
          const read = await this.bus.request(RecognizeImage, { client_id: clientId, image_base64: base64Of(image) }, { timeoutMs: OCR_TIMEOUT_MS });
          tokens.push(...wordsToTokens(read.words, i + 1));
        } catch (e) {
          if (e instanceof AppError && e.code === 'invalid_request') {
            throw new AppError('invalid_request', `document_images.${i}: ${e.message}`, { field: `document_images.${i}` });
          }
          throw e;
        }
      }
      if (!tokens.length) warnings.push('document_images: no text was read');
      return { input: { tokens, text: '' }, warnings };
    }
    return { input: { tokens: [], text: document_text }, warnings: document_text.trim() ? [] : ['the payload holds no ocr_tokens, document_text or document_images'] };
  }

  /** A stored document of the client's (ingest answers `not_found` for another client's), its first pages' words. */
  async fromDocument(clientId: string, docId: string): Promise<PreparedInput> {
    const tokens: Token[] = [];
    const texts: string[] = [];
    let pageCount = Infinity;
    for (let from = 1; from <= Math.min(pageCount, MAX_DOCUMENT_PAGES) && tokens.length < MAX_OCR_TOKENS; from += PAGES_PER_REQUEST) {
      const reply = await this.bus.request(GetDocumentPages, { client_id: clientId, doc_id: docId, words: true, from_page: from, max_pages: PAGES_PER_REQUEST });
      pageCount = reply.page_count;
      for (const page of reply.pages) {
        if (page.page > MAX_DOCUMENT_PAGES) break;
        texts.push(page.text);
        tokens.push(...wordsToTokens(page.words ?? [], page.page));
      }
      if (!reply.pages.length) break;
    }
    const warnings = pageCount > MAX_DOCUMENT_PAGES ? [`only the first ${MAX_DOCUMENT_PAGES} of ${pageCount} pages were read`] : [];
    // Pages without word boxes (none today, but cheap to honour) fall back to their text.
    return { input: tokens.length ? { tokens: tokens.slice(0, MAX_OCR_TOKENS), text: '' } : { tokens: [], text: texts.join('\n\n') }, warnings };
  }
}
