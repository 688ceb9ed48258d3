export { sniffType } from './sniff.js';
export { extractDocument } from './document.js';
export { extractInSandbox } from './sandbox.js';
export { extractPdf } from './pdf.js';
export { extractImage } from './image.js';
export { extractDocx } from './docx.js';
export { extractText } from './text.js';
export * from './types.js';
