import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CONTEXT_HEADER, CONTEXT_SIGNATURE_HEADER, ContextSigner, httpEndpoint } from '@perceptiq/platform';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../src/context.js';
import { SignedContextDataSource } from '../src/signed-data-source.js';
import { SubgraphClient } from '../src/subgraph-client.js';

/**
 * The cap on a subgraph's answer, against a real HTTP server: an answer over the limit is cut off
 * while it streams in (the server sees its connection closed), never buffered whole.
 */

const secret = randomBytes(32).toString('hex');
const MAX = 1024 * 1024;
const caller: GatewayContext = { principal: { type: 'admin' }, requestId: 'req_1', ip: '127.0.0.1' };

let server: Server;
let url: string;
let handler: (req: IncomingMessage, res: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((req, res) => handler(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

const signer = new ContextSigner(secret, 30_000, 'gateway');
// As the gateway wires a subgraph in another process: HTTP, with the caller signed for that subgraph.
const client = () =>
  new SubgraphClient((name) => httpEndpoint(url, { timeoutMs: 10_000, maxResponseBytes: MAX }, (c) => signer.sign(c, name as 'ingest')));

/** Stream 64 KiB chunks until the reader goes away; resolves with the bytes written by then. */
function streamForever(): Promise<number> {
  return new Promise((resolve) => {
    handler = (_req, res) => {
      let written = 0;
      const chunk = Buffer.alloc(64 * 1024, 'a');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":{"x":"');
      const pump = () => {
        while (!res.destroyed && written < 1024 * MAX) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      res.on('close', () => resolve(written));
      pump();
    };
  });
}

describe('subgraph client', () => {
  it('sends the caller signed for that subgraph alone, and returns its answer with its status', async () => {
    let seen: ReturnType<ContextSigner['verify']>;
    handler = (req, res) => {
      seen = new ContextSigner(secret, 30_000, 'ingest').verify(req.headers);
      res.writeHead(413, { 'content-type': 'application/json' }).end('{"errors":[{"message":"no","extensions":{"code":"payload_too_large"}}]}');
    };
    const answer = await client().send('ingest', caller, { query: '{ x }' });
    expect(answer).toEqual({ status: 413, body: { errors: [{ message: 'no', extensions: { code: 'payload_too_large' } }] } });
    expect(seen!).toMatchObject({ principal: { type: 'admin' }, request_id: 'req_1', aud: 'ingest' });
  });

  it('reports a body a subgraph refused as too large (answered by its body parser, not in JSON) as such', async () => {
    handler = (_req, res) => void res.writeHead(413, { 'content-type': 'text/html' }).end('<!DOCTYPE html><pre>PayloadTooLargeError</pre>');
    await expect(client().send('ingest', caller, { query: '{ x }' })).rejects.toMatchObject({ code: 'payload_too_large', httpStatus: 413 });
  });

  it('cuts off an answer that streams past the cap, and does not wait for the rest', async () => {
    const written = streamForever();
    await expect(client().send('ingest', caller, { query: '{ x }' })).rejects.toMatchObject({ code: 'response_too_large', httpStatus: 400, details: { max_bytes: MAX } });
    // The server saw its connection closed long before it could send its 1 GiB.
    expect(await written).toBeLessThan(64 * MAX);
  });

  it('refuses an answer that declares a length over the cap before reading it', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(MAX + 1) });
      res.write('{');
    };
    await expect(client().send('ingest', caller, { query: '{ x }' })).rejects.toMatchObject({ code: 'response_too_large' });
  });

  it('caps the query planner fetches too, answering with the code and its HTTP status', async () => {
    const written = streamForever();
    const source = new SignedContextDataSource('ingest', client());
    // What the executor passes for one fetch of a planned operation (only these fields are read).
    const fetch = { kind: 'incoming operation', request: { query: '{ x }' }, incomingRequestContext: {}, context: caller };
    const error: unknown = await source.process(fetch as unknown as GraphQLDataSourceProcessOptions<GatewayContext>).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions).toMatchObject({ code: 'response_too_large', http: { status: 400 } });
    expect(await written).toBeLessThan(64 * MAX);
  });
});
