import type { SourceDocument } from '../../src/retrieval/index.js';

/**
 * A document shaped like ingest's pages: each page's words found in order in its text with a
 * box on a nominal grid (row per line, column per character), as ingest lays out a text file.
 */
export function makeDocument(doc_id: string, filename: string, pages: string[]): SourceDocument {
  return {
    doc_id,
    filename,
    pages: pages.map((text, i) => {
      const words: Array<{ text: string; bbox: [number, number, number, number] }> = [];
      text.split('\n').forEach((line, row) => {
        for (const m of line.matchAll(/\S+/g)) words.push({ text: m[0], bbox: [(m.index + 1) / 100, (row + 1) / 100, m[0].length / 100, 0.01] });
      });
      return { page: i + 1, text, words };
    }),
  };
}

export const CONTRACT_PAGES = [
  [
    'SERVICES AGREEMENT',
    '',
    'This Services Agreement is made on March 3, 2025 between Northwind Traders Inc. ("Provider") and Contoso Ltd. ("Customer").',
    '',
    '1. Services. Provider shall deliver the hosting services described in Exhibit A. Customer shall pay the fees set out in Exhibit B within thirty (30) days of each invoice.',
    '',
    '2. Term and Renewal. The initial term of this Agreement is two (2) years from the Effective Date. This Agreement shall automatically renew for successive one (1) year periods unless either party gives written notice of non-renewal at least sixty (60) days before the end of the then-current term.',
  ].join('\n'),
  [
    '3. Termination. Either party may terminate this Agreement for convenience upon ninety (90) days prior written notice to the other party. Either party may terminate this Agreement immediately if the other party materially breaches it and fails to cure the breach within fifteen (15) days.',
    '',
    '4. Governing Law. This Agreement shall be governed by the laws of the State of Delaware.',
    '',
    '5. Confidentiality. Each party shall keep the confidential information of the other party secret, using no less than reasonable care.',
  ].join('\n'),
];
