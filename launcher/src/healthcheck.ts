/**
 * Container health check: `node launcher/dist/healthcheck.js <url>`.
 *
 * Exits 0 when the URL answers 2xx within 2 s, else 1. It exists because the runtime image has
 * no curl or wget (and should not grow them just for this): node is already there. Compose uses it
 * on each role's `/readyz`; Kubernetes uses its own httpGet probes instead.
 */
const TIMEOUT_MS = 2_000;

const url = process.argv[2];
if (!url) {
  console.error('usage: node launcher/dist/healthcheck.js <url>');
  process.exit(1);
}

try {
  // The abort bounds a hung server; without it the check would wait for Docker's own timeout.
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) console.error(`healthcheck: ${url} answered ${res.status}`);
  process.exit(res.ok ? 0 : 1);
} catch (err) {
  console.error(`healthcheck: ${url} unreachable: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
