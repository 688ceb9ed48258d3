import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake was sent: the path, the key, the model and the whole prompt (every message's text). */
export interface ChatRequest {
  path: string;
  authorization: string | undefined;
  model: string;
  prompt: string;
}

export interface FakeChatEndpoint {
  url: string;
  requests: ChatRequest[];
  /**
   * How the next call is answered, then back to the default (an answer citing [1]): a text to
   * answer with, `hang` (never answers), or `fail` (HTTP 500).
   */
  next: string | 'hang' | 'fail' | undefined;
  close(): Promise<void>;
}

const ANSWER = 'The lease runs for five years [1].';

async function readJson(req: IncomingMessage): Promise<{ model: string; messages: Array<{ content: string }> }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** A local OpenAI-compatible `POST /v1/chat/completions`, started by a test, answering as told. */
export async function startFakeChatEndpoint(): Promise<FakeChatEndpoint> {
  const hanging = new Set<() => void>();
  const fake: FakeChatEndpoint = { url: '', requests: [], next: undefined, close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const body = await readJson(req);
    fake.requests.push({ path: req.url ?? '', authorization: req.headers.authorization, model: body.model, prompt: body.messages.map((m) => m.content).join('\n') });
    const behaviour = fake.next;
    fake.next = undefined;
    if (behaviour === 'hang') return void hanging.add(() => res.destroy());
    if (behaviour === 'fail') return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"overloaded"}');
    const content = behaviour ?? ANSWER;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => {
    for (const end of hanging) end();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return fake;
}
