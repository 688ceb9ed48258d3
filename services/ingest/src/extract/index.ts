// For tests and the sandbox child only. The service's own process imports sniff.js and sandbox.js
// directly: pdfjs-dist's legacy build replaces the global JSON.stringify and JSON.parse with
// core-js versions several times slower, for every request the process serves.
export { sniffType } from './sniff.js';
export { extractDocument } from './document.js';
export { extractInSandbox } from './sandbox.js';
export { extractPdf } from './pdf.js';
export { extractImage } from './image.js';
export { extractDocx } from './docx.js';
export { extractText } from './text.js';
export * from './types.js';
