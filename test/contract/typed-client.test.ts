import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { CLIENT_SCHEMA_FILE, clientSchemaSource } from '../../rest-adapter/src/client-schema.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Type-check one source file that imports the typed client, as a partner's project would; the diagnostics as text. */
function typeErrors(source: string): string[] {
  const file = `${ROOT}test/contract/partner-calls.ts`;
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => name === file || fileExists(name);
  host.readFile = (name) => (name === file ? source : readFile(name));
  host.getSourceFile = (name, version, ...rest) => (name === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

// The published page's calls, through the client (the client's source, as a package import would see it).
const PAGE_CALLS = `
import { createPerceptiqClient, multipart } from '../../packages/client/src/index.js';

const client = createPerceptiqClient({ baseUrl: 'http://127.0.0.1:8100', apiKey: 'pa_live_...' });
const file = new File(['Term. This agreement renews for one year.'], 'contract.txt', { type: 'text/plain' });

export async function pageCalls() {
  const uploaded = await client.POST('/v1/upload', { params: { query: { merge: 'true' } }, body: { files: [file] }, bodySerializer: multipart });
  const batch: string | undefined = uploaded.data?.batch_id;
  const asked = await client.POST('/v1/ask', { body: { question: 'What are the renewal and termination clauses?' } });
  const found: boolean | undefined = asked.data?.found;
  const page: number | undefined = asked.data?.citations[0]?.page;
  const hits = await client.GET('/v1/search', { params: { query: { q: 'renewal', docId: 'doc_1' } } });
  const highlights = hits.data?.hits[0]?.highlights;
  await client.POST('/v1/compare', { body: { baseId: 'doc_1', compareId: 'doc_2' } });
  const extracted = await client.POST('/v1/templates/smart/extract', {
    body: {
      ocr_tokens: [
        { text: 'Invoice #', bbox: [0.11, 0.14, 0.09, 0.02], page: 1 },
        { text: 'INV-123', bbox: [0.21, 0.14, 0.1, 0.02], page: 1 },
      ],
      document_text: '',
      document_images: [],
      top_k_templates: 3,
    },
  });
  const fields = extracted.data?.fields;
  const summary = await client.GET('/v1/summary', {});
  const error: string | undefined = summary.error?.error.code;
  return { batch, found, page, highlights, fields, error };
}
`;

describe('the typed client (packages/client)', () => {
  it('is what `npm run generate:client` makes of the route table today', async () => {
    const checkedIn = readFileSync(`${ROOT}${CLIENT_SCHEMA_FILE}`, 'utf8');
    // Not toEqual on 4,000 lines: the message says what to run.
    expect(checkedIn === (await clientSchemaSource()) ? 'fresh' : `stale: run npm run generate:client`).toBe('fresh');
  });

  it("compiles the published page's calls (upload with FormData, ask, search, compare, smart extract) without a type error", () => {
    expect(typeErrors(PAGE_CALLS)).toEqual([]);
  }, 60_000);

  it('rejects a call the API does not take (a misspelled field, a wrong type, an unknown path)', () => {
    const wrong = PAGE_CALLS.replace("{ question: 'What", "{ qestion: 'What").replace("top_k_templates: 3", "top_k_templates: '3'").replace("'/v1/search'", "'/v1/serch'");
    const errors = typeErrors(wrong);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors.join('\n')).toMatch(/qestion/);
  }, 60_000);
});
