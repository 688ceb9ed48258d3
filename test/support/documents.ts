import { createRequire } from 'node:module';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** Small real files made on the spot, for end-to-end uploads (no fixtures checked in). */

export async function textPdf(pages: string[][]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage([612, 792]);
    lines.forEach((line, i) => page.drawText(line, { x: 72, y: 720 - i * 20, size: 12, font }));
  }
  return Buffer.from(await pdf.save());
}

/** A minimal DOCX (the three parts Word needs), zipped with mammoth's own jszip. */
export async function tinyDocx(paragraphs: string[]): Promise<Buffer> {
  const require = createRequire(import.meta.url);
  const JSZip = require('jszip') as new () => { file(name: string, data: string): void; generateAsync(o: { type: 'nodebuffer' }): Promise<Buffer> };
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  const body = paragraphs.map((p) => `<w:p><w:r><w:t>${p}</w:t></w:r></w:p>`).join('');
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer' });
}

/** The first bytes of a Linux executable: a type no document service should take. */
export const elfExecutable = (): Buffer => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120, 0)]);

export interface UploadFile {
  name: string;
  bytes: Buffer;
  type?: string;
}

/** `POST /v1/upload` as the published page's JavaScript does it (FormData, `files` parts). */
export async function upload(restUrl: string, key: string, files: UploadFile[], merge?: boolean) {
  const form = new FormData();
  for (const f of files) form.append('files', new Blob([f.bytes], { type: f.type ?? 'application/octet-stream' }), f.name);
  const res = await fetch(`${restUrl}/v1/upload${merge === undefined ? '' : `?merge=${merge}`}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Poll `GET /v1/status?docId=` until the document is ready or failed. */
export async function waitProcessed(restUrl: string, key: string, docId: string, timeoutMs = 90_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${restUrl}/v1/status?docId=${docId}`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await res.json()) as { documents: Array<Record<string, any>> };
    const doc = body.documents?.[0];
    if (doc && (doc.status === 'ready' || doc.status === 'failed')) return doc;
    if (Date.now() > deadline) throw new Error(`document ${docId} still ${doc?.status ?? 'unknown'} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A scanned PDF: each page is only an image of text (no text layer), so every page goes through OCR. */
export async function scannedPdf(pagePngs: Buffer[]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  for (const png of pagePngs) {
    const image = await pdf.embedPng(png);
    const page = pdf.addPage([612, 792]);
    page.drawImage(image, { x: 0, y: 0, width: 612, height: 792 });
  }
  return Buffer.from(await pdf.save());
}

/** Poll `GET /v1/status?docId=` until `ready(doc)` holds. */
export async function waitStatus(restUrl: string, key: string, docId: string, ready: (doc: Record<string, any>) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${restUrl}/v1/status?docId=${docId}`, { headers: { authorization: `Bearer ${key}` } });
    const doc = ((await res.json()) as { documents: Array<Record<string, any>> }).documents?.[0];
    if (doc && ready(doc)) return doc;
    if (Date.now() > deadline) throw new Error(`document ${docId} did not reach the expected state (last: ${JSON.stringify(doc)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
