/**
 * The calibration servers: bare `node:http` (or, with `HELLO_FRAMEWORK=express`, one bare Express 5
 * route doing `res.json`) answering a fixed small JSON body, in its own process like the stack.
 * Their throughput is the ceiling this machine and load generator allow, which the edge figures
 * are read against. Prints one JSON line ({@link HelloServerInfo}) once listening.
 */
import { createServer, type RequestListener } from 'node:http';
import express from 'express';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export interface HelloServerInfo {
  pid: number;
  url: string;
}

const BODY = Buffer.from('{"client_id":"calibration"}');
const bare: RequestListener = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
  res.end(BODY);
};
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/', (_req, res) => {
  res.json({ client_id: 'calibration' });
});
const server = createServer(process.env.HELLO_FRAMEWORK === 'express' ? app : bare);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const info: HelloServerInfo = { pid: process.pid, url: `http://127.0.0.1:${port}/` };
  process.stdout.write(`${JSON.stringify(info)}\n`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdin.on('end', () => {
  const dir = process.argv[2]; // the temp dir the runner made for this process
  if (dir) rmSync(dir, { recursive: true, force: true });
  stop();
});
process.stdin.resume();
