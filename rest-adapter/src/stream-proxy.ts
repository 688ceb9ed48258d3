import { request } from 'node:http';
import type { ServiceName } from '@perceptiq/contracts';
import { AppError, type ContextSigner, type Principal } from '@perceptiq/platform';
import type { Request, Response } from 'express';

/**
 * Pipe a request body (an upload's multipart stream) to the owning service's HTTP endpoint with
 * the caller's signed context, and pipe its answer back: the bytes are never buffered here and
 * never go through GraphQL.
 */
export function proxyStream(
  req: Request,
  res: Response,
  target: { url: URL; service: ServiceName },
  caller: { principal: Principal; ip: string },
  signer: ContextSigner,
  maxBodyBytes: number,
): Promise<void> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) {
    req.resume();
    return Promise.reject(new AppError('payload_too_large', `The upload is larger than ${Math.round(maxBodyBytes / (1024 * 1024))} MB in all.`));
  }
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      ...signer.sign({ principal: caller.principal, request_id: req.id, ip: caller.ip }, target.service),
      'x-request-id': req.id,
    };
    for (const name of ['content-type', 'content-length', 'transfer-encoding'] as const) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const upstream = request(target.url, { method: 'POST', headers }, (answer) => {
      res.status(answer.statusCode ?? 502);
      const type = answer.headers['content-type'];
      if (type) res.setHeader('Content-Type', type);
      answer.pipe(res);
      answer.on('end', resolve);
      answer.on('error', reject);
    });
    upstream.on('error', () => reject(new AppError('unavailable', 'The document service did not answer; try again shortly.')));
    req.pipe(upstream);
  });
}
