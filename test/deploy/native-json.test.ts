/**
 * Loading the whole stack must leave the process's JSON alone. pdfjs-dist's legacy build replaces
 * JSON.stringify and JSON.parse with core-js polyfills when imported (disguised as native code),
 * which made every response, bus message and log line slower in whichever process imported it;
 * only the sandbox that reads documents may load it.
 */
const { stringify, parse } = JSON;

describe('the processes that serve requests', () => {
  it('keep the native JSON.stringify and JSON.parse once every service, the gateway and the REST adapter are loaded', async () => {
    await import('@perceptiq/launcher');
    expect(JSON.stringify).toBe(stringify);
    expect(JSON.parse).toBe(parse);
  });

  it('would notice the polyfill (the check is not vacuous)', async () => {
    await import('pdfjs-dist/legacy/build/pdf.mjs');
    expect(JSON.stringify).not.toBe(stringify);
  });
});
