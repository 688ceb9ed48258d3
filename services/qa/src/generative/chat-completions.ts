import { z } from 'zod';
import { GenerativeError } from './generative-error.js';
import type { ChatMessage } from './prompt.js';

export interface ChatRequest {
  /** The OpenAI-compatible API's base, e.g. `http://localhost:11434/v1`; `/chat/completions` is added. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  maxTokens: number;
  messages: ChatMessage[];
}

/** Most of a response body read: a completion of a few hundred tokens is a few KiB, and the endpoint is not trusted. */
export const MAX_RESPONSE_BYTES = 256 * 1024;

const Completion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1),
});

/** The body as text, or an `invalid` error (the rest unread) once it passes `maxBytes`. */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const tooLarge = () => new GenerativeError('invalid', `the chat endpoint's response is larger than ${maxBytes} bytes`);
  if (Number(response.headers.get('content-length')) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseCompletion(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new GenerativeError('invalid', 'the chat endpoint answered malformed JSON', { cause: error });
  }
  const completion = Completion.safeParse(json);
  if (!completion.success) throw new GenerativeError('invalid', 'the chat endpoint answered no choices[0].message.content string', { cause: completion.error });
  return completion.data.choices[0]!.message.content;
}

/**
 * The assistant's reply to `messages` from `POST {baseUrl}/chat/completions`, deterministic
 * (temperature 0). Every failure is a GenerativeError: `timeout` (no whole answer within
 * `timeoutMs`, body included), `http` (not 2xx), `invalid` (too large, not JSON, wrong shape) or
 * `network` (unreachable, connection lost).
 */
export async function completeChat(request: ChatRequest): Promise<string> {
  const signal = AbortSignal.timeout(request.timeoutMs);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (request.apiKey) headers.authorization = `Bearer ${request.apiKey}`;
  try {
    const response = await fetch(`${request.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: request.model, messages: request.messages, temperature: 0, max_tokens: request.maxTokens }),
      signal,
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new GenerativeError('http', `the chat endpoint answered HTTP ${response.status}`);
    }
    return parseCompletion(await readCapped(response, MAX_RESPONSE_BYTES));
  } catch (error) {
    if (error instanceof GenerativeError) throw error;
    if (signal.aborted) throw new GenerativeError('timeout', `the chat endpoint did not answer within ${request.timeoutMs} ms`, { cause: error });
    throw new GenerativeError('network', `the chat endpoint could not be reached: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
