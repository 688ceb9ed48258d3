export * from './types.js';
export { OcrInputError, DEFAULT_LIMIT_INPUT_PIXELS, DEFAULT_MAX_OCR_PIXELS } from './preprocess.js';
export { createTesseractEngine, LOW_QUALITY_BELOW, type TesseractEngineOptions } from './tesseract-engine.js';
export { OcrBudget } from './budget.js';
export { blankReading } from './blank.js';
