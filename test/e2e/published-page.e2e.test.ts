import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { call, enableClient, pollUntil } from '../support/api.js';
import { textPdf } from '../support/documents.js';
import { extractSnippets, leftPlaceholders, namedCalls, namesClient, readPublishedPage, withLiveValues, type Snippet } from '../support/published-page.js';
import { runSnippet, type RecordedCall } from '../support/run-snippet.js';

/**
 * The page partners read (`../shared/spec/published-api-page.txt`), run as a test: every code
 * sample found on it runs as written (curl through bash, Python through Debian's python3-requests,
 * JavaScript through Node) against a live stack, with only the page's placeholders filled in:
 * the base URL, the key (an enterprise client's, so every call is in scope), the admin token, and
 * the example client id of the rotate sample (the id of the client the enable sample created, so
 * rotating is shown working rather than only answering 404 for an unknown id).
 *
 * The samples run in page order, which the access lifecycle needs: the request sample asks for
 * John's access (202), the enable sample enables him (201: no client yet for him), the rotate
 * sample rotates that client's key (200). Asking again once he is enabled is 409 (checked last).
 */

/**
 * What API.md says each call on the page answers today (every scope held). Later issues that build
 * a capability change its line, and only that line.
 */
const EXPECTED: Record<string, { status: number; code?: string }> = {
  'GET /v1/summary': { status: 200 },
  'POST /v1/upload': { status: 202 },
  'POST /v1/ask': { status: 200 },
  'POST /api/access/request': { status: 202 },
  'POST /api/access/enable': { status: 201 },
  'POST /api/access/rotate': { status: 200 },
  'POST /v1/templates/smart/extract': { status: 200 },
};

const snippets = extractSnippets(readPublishedPage());

const label = (s: Snippet) => `${s.language} sample at page line ${s.line} (${namedCalls(s).join(', ')})`;
const callName = (c: RecordedCall) => `${c.method} ${c.url.pathname}`;

/** The error code of an error answer's envelope, if it has one. */
function errorCode(call: RecordedCall): string | undefined {
  if (call.status < 400) return undefined;
  try {
    return JSON.parse(call.body)?.error?.code;
  } catch {
    return `not JSON: ${call.body.slice(0, 200)}`;
  }
}

const observed = (c: RecordedCall) => ({ call: callName(c), status: c.status, ...(c.status >= 400 ? { code: errorCode(c) } : {}) });
const expected = (c: RecordedCall) => ({ call: callName(c), ...EXPECTED[callName(c)] });

test('the page has 11 code samples: 7 curl, 2 Python, 2 JavaScript, each naming the calls it makes', () => {
  const count = (language: string) => snippets.filter((s) => s.language === language).length;
  expect({ total: snippets.length, curl: count('curl'), python: count('python'), javascript: count('javascript') }).toEqual({
    total: 11,
    curl: 7,
    python: 2,
    javascript: 2,
  });
  for (const snippet of snippets) {
    expect(namedCalls(snippet).length).toBeGreaterThan(0);
    for (const path of namedCalls(snippet)) expect(Object.keys(EXPECTED).map((k) => k.split(' ')[1])).toContain(path.split('?')[0]);
  }
});

describe.each(['embedded', 'distributed'] as const)('%s stack', (mode) => {
  let stack: TestStack;
  let apiKey: string;
  let contractPdf: Buffer;
  /** The client the page's enable sample created. */
  let enabledClientId: string | undefined;

  beforeAll(async () => {
    stack = await startTestStack(mode);
    apiKey = (await enableClient(stack, { tier: 'enterprise', request: false })).api_key;
    contractPdf = await textPdf([
      ['Master Services Agreement', '1. Term. This agreement renews automatically for one-year terms.', '2. Termination. Either party may terminate with 60 days written notice.'],
    ]);
  }, 90_000);
  afterAll(() => stack?.stop());

  const run = (snippet: Snippet) => {
    if (namesClient(snippet) && enabledClientId === undefined) throw new Error(`${label(snippet)} names a client, but no earlier sample enabled one`);
    const code = withLiveValues(snippet, { baseUrl: stack.restUrl, apiKey, adminToken: stack.adminToken, clientId: enabledClientId });
    expect(leftPlaceholders(code)).toEqual([]);
    return runSnippet(snippet.language, code, { files: { 'contract.pdf': contractPdf }, pickedFile: 'contract.pdf' });
  };

  test.each(snippets.map((s) => [label(s), s] as const))('%s answers as the contract says', async (_label, snippet) => {
    const result = await run(snippet);
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toMatchObject({ exitCode: 0 });
    // The sample made each call it names, in order, and each got the contract's answer.
    expect(result.calls.map((c) => `${c.url.pathname}${c.url.search}`)).toEqual(namedCalls(snippet));
    expect(result.calls.map(observed)).toEqual(result.calls.map(expected));

    const enabled = result.calls.find((c) => callName(c) === 'POST /api/access/enable' && c.status === 201);
    if (enabled) enabledClientId = JSON.parse(enabled.body).client_id;
  });

  test('quickstart step 3 (curl): once the upload is ready, the question answers with both clauses, each cited with page and box', async () => {
    const step3 = snippets.find((s) => s.language === 'curl' && namedCalls(s).includes('/v1/ask'));
    expect(step3).toBeDefined();
    await run(step3!);
    // The page runs its two lines back to back; a partner runs the second once GET /v1/status says ready.
    await pollUntil(
      () => call(stack.restUrl, 'GET', '/v1/status', { key: apiKey }),
      (res) => res.body.queue.queued + res.body.queue.processing === 0,
      60_000,
    );
    const again = await run(step3!);
    const asked = again.calls.find((c) => callName(c) === 'POST /v1/ask')!;
    const answer = JSON.parse(asked.body);
    expect(answer).toMatchObject({ found: true, mode: 'extractive' });
    const [renewal, termination] = answer.parts;
    expect(renewal.citations[0]).toMatchObject({ page: 1, snippet: expect.stringMatching(/renews automatically/), bbox: expect.any(Array) });
    expect(termination.citations[0]).toMatchObject({ page: 1, snippet: expect.stringMatching(/may terminate/), bbox: expect.any(Array) });
    const off = await call(stack.restUrl, 'POST', '/v1/ask', { key: apiKey, body: { question: 'What is the price of the hosting fee per month?' } });
    expect(off.body).toMatchObject({ found: false });
  });

  test("the page's access request, run again once enabled, is 409 conflict naming the client", async () => {
    const request = snippets.find((s) => namedCalls(s).includes('/api/access/request'));
    expect(request).toBeDefined();
    expect(enabledClientId).toBeDefined();
    const result = await run(request!);
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toMatchObject({ exitCode: 0 });
    expect(result.calls.map(observed)).toEqual([{ call: 'POST /api/access/request', status: 409, code: 'conflict' }]);
    expect(JSON.parse(result.calls[0]!.body).error.details.client_id).toBe(enabledClientId);
  });
});
