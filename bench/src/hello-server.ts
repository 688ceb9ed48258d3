/**
 * The calibration server: bare `node:http` answering a fixed small JSON body, in its own process
 * like the stack. Its throughput is the ceiling this machine and load generator allow, which the
 * edge figures are read against. Prints one JSON line ({@link HelloServerInfo}) once listening.
 */
import { createServer } from 'node:http';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export interface HelloServerInfo {
  pid: number;
  url: string;
}

const BODY = Buffer.from('{"client_id":"calibration"}');
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
  res.end(BODY);
});
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
