import type { EventContract, RequestContract } from '@perceptiq/contracts';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError, errorFromWire, isAppError, publicError } from '../errors.js';
import { currentRequestId, requestIdFrom, runWithContext } from '../request-context.js';
import { assertPublishable } from './subjects.js';
import type { MessageMeta } from './types.js';

/**
 * The wire format shared by the NATS and in-memory adapters, so both behave the same: JSON
 * bodies, string headers, errors as an error-code header, and the transport-independent halves
 * of request/reply and events that encode and decode them.
 */

export const REQUEST_ID_HEADER = 'x-request-id';
const ERROR_CODE_HEADER = 'x-error-code';

export type Headers = Record<string, string>;

/** What crosses a transport: JSON text plus string headers. */
export interface WireMessage {
  headers: Headers;
  body: string;
}

/** A request or event handler once the contract's types are erased. */
export type MessageHandler = (data: unknown, meta: MessageMeta) => unknown;

/** `undefined` travels as an empty body so a handler returning nothing round-trips as nothing. */
export const encodeBody = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value));
const decodeBody = (body: string): unknown => (body === '' ? undefined : JSON.parse(body));

/** Headers every outgoing message carries: the request id of the request being served, if any. */
export function outgoingHeaders(): Headers {
  const id = currentRequestId();
  return id ? { [REQUEST_ID_HEADER]: id } : {};
}

/** A message addressed to a subject. */
export interface SubjectMessage extends WireMessage {
  subject: string;
}

/** What a request or event puts on the wire; refuses the subjects NATS would refuse. */
export function outgoing(subject: string, data: unknown): SubjectMessage {
  assertPublishable(subject);
  return { subject, headers: outgoingHeaders(), body: encodeBody(data) };
}

export const issuesOf = (error: z.ZodError) =>
  error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));

export function parseWith(schema: z.ZodType, body: string) {
  let value: unknown;
  try {
    value = decodeBody(body);
  } catch {
    return { ok: false as const, issues: [{ path: '', message: 'Body is not valid JSON.' }] };
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true as const, data: parsed.data } : { ok: false as const, issues: issuesOf(parsed.error) };
}

export const noResponders = (subject: string): AppError =>
  new AppError('unavailable', `No service is answering on "${subject}".`, { subject });
export const timedOut = (subject: string, ms: number): AppError =>
  new AppError('unavailable', `No answer on "${subject}" within ${ms} ms.`, { subject, timeoutMs: ms });

/**
 * Server side of a request: validate, run the handler in the caller's request context, and
 * encode the result or the error. Only AppErrors reach the caller as they are; anything else is
 * logged here and answered with a generic `internal` error.
 */
export async function answerRequest(
  contract: RequestContract,
  handler: MessageHandler,
  subject: string,
  msg: WireMessage,
  logger: Logger | undefined,
): Promise<WireMessage> {
  const requestId = requestIdFrom(msg.headers[REQUEST_ID_HEADER]);
  return runWithContext({ requestId }, async (): Promise<WireMessage> => {
    try {
      const parsed = parseWith(contract.request, msg.body);
      if (!parsed.ok) throw new AppError('invalid_request', `Invalid request on "${subject}".`, { issues: parsed.issues });
      const result = await handler(parsed.data, { subject, requestId });
      return { headers: {}, body: encodeBody(result) };
    } catch (e) {
      if (!isAppError(e)) logger?.error({ err: e, subject }, 'bus request handler failed');
      const error = publicError(e);
      return { headers: { [ERROR_CODE_HEADER]: error.code }, body: JSON.stringify({ error }) };
    }
  });
}

/** Client side of a request: the result, or the handler's AppError rebuilt with the same code, message and details. */
export function readReply(reply: WireMessage): unknown {
  const code = reply.headers[ERROR_CODE_HEADER];
  if (code === undefined) return decodeBody(reply.body);
  const { error } = JSON.parse(reply.body) as { error: { message: string; details?: Record<string, unknown> } };
  throw errorFromWire(code, error.message, error.details);
}

/** Receiving side of an event: invalid events are logged and dropped; handler errors are logged. */
export async function deliverEvent(
  contract: EventContract,
  handler: MessageHandler,
  subject: string,
  msg: WireMessage,
  logger: Logger | undefined,
): Promise<void> {
  const requestId = requestIdFrom(msg.headers[REQUEST_ID_HEADER]);
  await runWithContext({ requestId }, async () => {
    const parsed = parseWith(contract.schema, msg.body);
    if (!parsed.ok) {
      logger?.warn({ subject, issues: parsed.issues }, 'dropped invalid event');
      return;
    }
    try {
      await handler(parsed.data, { subject, requestId });
    } catch (e) {
      logger?.error({ err: e, subject }, 'bus event handler failed');
    }
  });
}
