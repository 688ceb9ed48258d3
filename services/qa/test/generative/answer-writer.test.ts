import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createAnswerWriter,
  GenerativeError,
  MAX_ANSWER_CHARS,
  MAX_PASSAGE_CHARS,
  MAX_RESPONSE_BYTES,
  type GenerativeOptions,
  type Passage,
} from '../../src/generative/index.js';

interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Reply = (res: ServerResponse) => void;

const QUESTION = 'How long is the notice period for termination?';
const PASSAGES: Passage[] = [
  { doc_id: 'doc_a', filename: 'services.pdf', page: 2, snippet: 'Either party may terminate this Agreement upon ninety (90) days written notice.' },
  { doc_id: 'doc_b', filename: 'lease.docx', page: 7, snippet: 'The tenant shall give sixty (60) days notice before vacating.' },
];

function completion(content: unknown): Reply {
  return (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
  };
}

/** The fake endpoint: records each request, then answers it with the current `reply`. */
let reply: Reply;
let seen: SeenRequest[];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      reply(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

beforeEach(() => {
  seen = [];
});

afterAll(async () => {
  // The held-open responses would keep close() waiting.
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function writer(options: Partial<GenerativeOptions> = {}) {
  return createAnswerWriter({ baseUrl, model: 'test-model', timeoutMs: 5_000, ...options });
}

async function failure(promise: Promise<unknown>): Promise<GenerativeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GenerativeError);
  return error as GenerativeError;
}

describe('createAnswerWriter', () => {
  it('asks the chat endpoint from the numbered passages and returns its answer, trimmed', async () => {
    reply = completion('\n  Ninety days written notice [1].  \n');
    const answer = await writer({ baseUrl: `${baseUrl}/`, apiKey: 'sk-test' }).write(QUESTION, PASSAGES);
    expect(answer).toEqual({ found: true, answer: 'Ninety days written notice [1].' });

    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
    expect(request!.headers.authorization).toBe('Bearer sk-test');
    expect(request!.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request!.body);
    expect(body).toMatchObject({ model: 'test-model', temperature: 0, max_tokens: 512 });
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
    const [system, user] = body.messages.map((m: { content: string }) => m.content);
    expect(system).toMatch(/ONLY the numbered passages/);
    expect(system).toMatch(/\[1\]/);
    expect(system).toMatch(/reply with exactly NOT_FOUND/);
    expect(user).toContain(QUESTION);
    expect(user).toContain(`[1] services.pdf, page 2:\n${PASSAGES[0]!.snippet}`);
    expect(user).toContain(`[2] lease.docx, page 7:\n${PASSAGES[1]!.snippet}`);
  });

  it('sends no Authorization header without an API key, and the max_tokens asked for', async () => {
    reply = completion('Sixty days [2].');
    await writer({ maxTokens: 64 }).write(QUESTION, PASSAGES);
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(JSON.parse(seen[0]!.body).max_tokens).toBe(64);
  });

  it('sends at most 8 passages, each capped', async () => {
    reply = completion('Ninety days [1].');
    const many = Array.from({ length: 12 }, (_, i) => ({ doc_id: `doc_${i}`, filename: `f${i}.pdf`, page: 1, snippet: `${'x'.repeat(5_000)} tail${i}` }));
    await writer().write(QUESTION, many);
    const user: string = JSON.parse(seen[0]!.body).messages[1].content;
    expect(user).toContain('[8] f7.pdf, page 1:');
    expect(user).not.toContain('[9]');
    expect(user).not.toContain('tail0');
    expect(user.length).toBeLessThan(8 * (MAX_PASSAGE_CHARS + 40) + QUESTION.length + 40);
  });

  it('answers not found for NOT_FOUND, however the model wraps it, and for an empty reply', async () => {
    for (const content of ['NOT_FOUND', ' NOT_FOUND.\n', '**NOT_FOUND**', '`NOT_FOUND`', '   ']) {
      reply = completion(content);
      await expect(writer().write(QUESTION, PASSAGES)).resolves.toEqual({ found: false, answer: '' });
    }
  });

  it('keeps an answer that only mentions NOT_FOUND', async () => {
    reply = completion('The passages say NOT_FOUND appears in the log [2].');
    await expect(writer().write(QUESTION, PASSAGES)).resolves.toEqual({ found: true, answer: 'The passages say NOT_FOUND appears in the log [2].' });
  });

  it('answers not found without asking when there are no passages', async () => {
    reply = completion('Made up.');
    await expect(writer().write(QUESTION, [])).resolves.toEqual({ found: false, answer: '' });
    expect(seen).toHaveLength(0);
  });

  it('caps a long answer after a whole word', async () => {
    reply = completion(`${'word '.repeat(1_000)}[1]`);
    const { answer, found } = await writer().write(QUESTION, PASSAGES);
    expect(found).toBe(true);
    expect(answer.length).toBeLessThanOrEqual(MAX_ANSWER_CHARS + 1);
    expect(answer).toMatch(/ word…$/);
  });

  it('fails with reason http on a 500', async () => {
    reply = (res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"model crashed"}}');
    };
    const error = await failure(writer().write(QUESTION, PASSAGES));
    expect(error.reason).toBe('http');
    expect(error.message).toContain('500');
  });

  it('fails with reason invalid on malformed JSON or the wrong shape', async () => {
    const bodies = ['{"choices": [', 'null', '{"choices": []}', '{"choices": [{"message": {"content": null}}]}', '{"choices": [{"text": "legacy"}]}'];
    for (const body of bodies) {
      reply = (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      };
      const error = await failure(writer().write(QUESTION, PASSAGES));
      expect(error.reason).toBe('invalid');
    }
  });

  it('fails with reason timeout, quickly, when the body never ends', async () => {
    reply = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"choices": [');
    };
    const started = Date.now();
    const error = await failure(writer({ timeoutMs: 200 }).write(QUESTION, PASSAGES));
    expect(error.reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails with reason timeout when no response comes at all', async () => {
    reply = () => {};
    const started = Date.now();
    const error = await failure(writer({ timeoutMs: 200 }).write(QUESTION, PASSAGES));
    expect(error.reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails with reason invalid on a body over the cap, streamed or declared', async () => {
    const huge = JSON.stringify({ choices: [{ message: { content: 'a'.repeat(MAX_RESPONSE_BYTES) } }] });
    reply = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Chunked, so only counting what arrives can stop it.
      for (let at = 0; at < huge.length; at += 16_384) res.write(huge.slice(at, at + 16_384));
      res.end();
    };
    const streamed = await failure(writer().write(QUESTION, PASSAGES));
    expect(streamed.reason).toBe('invalid');
    expect(streamed.message).toMatch(/larger than/);

    reply = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(huge.length) });
      res.end(huge);
    };
    const declared = await failure(writer().write(QUESTION, PASSAGES));
    expect(declared.reason).toBe('invalid');
    expect(declared.message).toMatch(/larger than/);
  });

  it('fails with reason network when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(writer({ baseUrl: `http://127.0.0.1:${port}/v1` }).write(QUESTION, PASSAGES));
    expect(error.reason).toBe('network');
  });
});
