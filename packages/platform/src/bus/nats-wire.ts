import { headers as natsHeaders, type Msg, type MsgHdrs } from '@nats-io/transport-node';
import type { Headers, WireMessage } from './wire.js';

/** Between the bus's wire format and NATS messages. */

export function toNatsHeaders(h: Headers): MsgHdrs | undefined {
  const keys = Object.keys(h);
  if (keys.length === 0) return undefined;
  const out = natsHeaders();
  for (const k of keys) out.set(k, h[k]!);
  return out;
}

function fromNatsHeaders(h: MsgHdrs | undefined): Headers {
  const out: Headers = {};
  for (const k of h?.keys() ?? []) out[k] = h!.get(k);
  return out;
}

export const wireMessage = (msg: Msg): WireMessage => ({ headers: fromNatsHeaders(msg.headers), body: msg.string() });
