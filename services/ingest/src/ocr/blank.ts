import type { OcrPage } from './types.js';

/**
 * What OCR reports for a page found blank before recognition, without reading it: nothing, at
 * confidence 0 and flagged low quality, as the engine reports every page where nothing was read
 * (a page that should have held text may be a failed scan: worth a look).
 */
export const blankReading = (width: number, height: number): OcrPage => ({
  text: '',
  words: [],
  lines: [],
  confidence: 0,
  width,
  height,
  rotation: 0,
  lowQuality: true,
  source: 'ocr',
});
