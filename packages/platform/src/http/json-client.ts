import { Agent, request } from 'node:http';
import { AppError } from '../errors.js';

/** One keep-alive agent per process: edge → gateway → subgraph hops reuse their sockets. */
const agent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });

// Callers may show this message to partners: it names no internal host.
export const UNAVAILABLE_MESSAGE = 'A dependency did not answer in time; try again shortly.';

export interface JsonResponse {
  status: number;
  body: unknown;
}

export const responseTooLarge = (maxBytes: number) =>
  new AppError(
    'response_too_large',
    `The answer is over the ${maxBytes}-byte limit of one response; ask for less in one request (fewer documents, or pages without words).`,
    { max_bytes: maxBytes },
  );

/**
 * POST a JSON body and parse the JSON answer, over plain keep-alive HTTP (the internal hops are
 * loopback or cluster-local; node's fetch costs noticeably more per call on this hot path).
 * A connection failure or timeout is `AppError('unavailable')`. An answer over `maxResponseBytes`
 * (declared or counted while it arrives) is never buffered whole: the socket is destroyed and the
 * call fails with `response_too_large`.
 */
export function postJson(
  /** Parsed once by the caller: a hop calls the same address on every request. */
  target: URL,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs: number,
  maxResponseBytes: number,
): Promise<JsonResponse> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let received = 0;
        const refuse = () => {
          reject(responseTooLarge(maxResponseBytes));
          req.destroy(); // the rest of the answer is never read; the socket is not reused
        };
        if (Number(res.headers['content-length'] ?? 0) > maxResponseBytes) return refuse();
        res.on('data', (c: Buffer) => {
          received += c.length;
          if (received > maxResponseBytes) return refuse();
          chunks.push(c);
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
          } catch {
            // A body parser's own refusal (not JSON) still says what went wrong: the request was too large.
            reject(res.statusCode === 413 ? new AppError('payload_too_large', 'The request is larger than the service accepts.') : new AppError('unavailable', UNAVAILABLE_MESSAGE));
          }
        });
        res.on('error', () => reject(new AppError('unavailable', UNAVAILABLE_MESSAGE)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', () => reject(new AppError('unavailable', UNAVAILABLE_MESSAGE)));
    req.end(payload);
  });
}
