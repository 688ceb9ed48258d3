import { Agent, request } from 'node:http';
import { AppError } from '../errors.js';

/** One keep-alive agent per process: edge → gateway → subgraph hops reuse their sockets. */
const agent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });

// Callers may show this message to partners: it names no internal host.
const UNAVAILABLE = 'A dependency did not answer in time; try again shortly.';

export interface JsonResponse {
  status: number;
  body: unknown;
}

/**
 * POST a JSON body and parse the JSON answer, over plain keep-alive HTTP (the internal hops are
 * loopback or cluster-local; node's fetch costs noticeably more per call on this hot path).
 * A connection failure or timeout is `AppError('unavailable')`.
 */
export function postJson(url: string, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<JsonResponse> {
  const payload = Buffer.from(JSON.stringify(body));
  const target = new URL(url);
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
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
          } catch {
            reject(new AppError('unavailable', UNAVAILABLE));
          }
        });
        res.on('error', () => reject(new AppError('unavailable', UNAVAILABLE)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', () => reject(new AppError('unavailable', UNAVAILABLE)));
    req.end(payload);
  });
}
