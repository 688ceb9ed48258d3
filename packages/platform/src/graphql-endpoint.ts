import type { CallerContext, ContextHeaders } from './client-context.js';
import type { Config } from './config.js';
import { AppError } from './errors.js';
import { postJson, responseTooLarge, UNAVAILABLE_MESSAGE } from './http/json-client.js';

/** A GraphQL request as it travels between our own servers: a JSON body, a few headers, and who is calling. */
export interface GraphQLCall {
  /** Lower-case names: a signed client context, `x-request-id`, and for the gateway an API key or admin token. */
  headers: Record<string, string | undefined>;
  body: unknown;
  /**
   * The caller an edge of ours already authenticated. Over HTTP it travels signed for the one
   * server it is addressed to; in process it is handed over as it is, since nothing crosses a
   * wire. An HTTP request never sets it: a server reached over HTTP trusts only a signature.
   */
  caller?: CallerContext;
}

/** What came back: the HTTP status the answer carries (or would carry over HTTP), its headers and its JSON body. */
export interface GraphQLAnswer {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/**
 * One way to reach a GraphQL server of ours (the gateway or a subgraph): over HTTP when it runs in
 * another process, or a direct call when it runs in this one. Callers cannot tell them apart: the
 * same signed context is checked, the same errors come back, the same time and size limits hold.
 */
export type GraphQLEndpoint = (call: GraphQLCall) => Promise<GraphQLAnswer>;

export interface EndpointLimits {
  timeoutMs: number;
  /** The largest answer accepted, in bytes of its JSON: past it the call fails with `response_too_large`. */
  maxResponseBytes: number;
}

/** The limits of every hop between our GraphQL servers, from the settings every process shares. */
export function hopLimits(config: Pick<Config, 'bus' | 'gateway'>): EndpointLimits {
  return { timeoutMs: config.bus.requestTimeoutMs, maxResponseBytes: config.gateway.maxResponseBytes };
}

/**
 * A server in another process, over keep-alive HTTP. `sign` turns the call's caller into the
 * signed context headers for this server alone.
 */
export function httpEndpoint(url: string, limits: EndpointLimits, sign?: (caller: CallerContext) => ContextHeaders): GraphQLEndpoint {
  const target = new URL(url);
  return (call) => {
    const headers = definedHeaders(call.headers);
    if (call.caller && sign) Object.assign(headers, sign(call.caller));
    return postJson(target, call.body, headers, limits.timeoutMs, limits.maxResponseBytes);
  };
}

/**
 * A server in this process, called directly. The answer is measured as the HTTP hop would have
 * measured it, and a server that does not answer within the timeout fails the call as HTTP would.
 */
export function inProcessEndpoint(handle: GraphQLEndpoint, limits: EndpointLimits): GraphQLEndpoint {
  return async (call) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AppError('unavailable', UNAVAILABLE_MESSAGE)), limits.timeoutMs);
    });
    try {
      const answer = await Promise.race([handle(call), timeout]);
      if (jsonBytes(answer.body) > limits.maxResponseBytes) throw responseTooLarge(limits.maxResponseBytes);
      return answer;
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Sizes of answers already measured: a body the gateway passes through unchanged is measured once. */
const measured = new WeakMap<object, number>();

function jsonBytes(body: unknown): number {
  if (body === null || typeof body !== 'object') return Buffer.byteLength(JSON.stringify(body) ?? '');
  let bytes = measured.get(body);
  if (bytes === undefined) measured.set(body, (bytes = Buffer.byteLength(JSON.stringify(body))));
  return bytes;
}

function definedHeaders(headers: GraphQLCall['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value;
  return out;
}
