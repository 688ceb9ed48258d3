// Bundles the gateway's browser page (GraphiQL 5, React 19, Monaco and its three workers) into
// dist/browser with esbuild, so the gateway serves every byte the page loads (run by `npm run build`).
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/browser`;
const require = createRequire(`${root}package.json`);
// monaco-graphql is graphiql's dependency, not ours: resolve it (and monaco-editor) from there.
const fromGraphiql = createRequire(require.resolve('@graphiql/react'));

const started = Date.now();
await rm(outdir, { recursive: true, force: true });
const common = { bundle: true, minify: true, legalComments: 'linked', target: 'es2022', logLevel: 'warning', outdir, define: { 'process.env.NODE_ENV': '"production"' } };
const [page] = await Promise.all([
  // The page: an ES module (its worker URLs are relative to import.meta.url), CSS and Monaco's icon font beside it.
  build({
    ...common,
    entryPoints: { graphiql: `${root}browser/graphiql.jsx` },
    format: 'esm',
    jsx: 'automatic',
    loader: { '.ttf': 'file' },
    metafile: true,
  }),
  // The workers: classic scripts, as `new Worker(url)` loads them.
  build({
    ...common,
    entryPoints: {
      'editor.worker': fromGraphiql.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
      'json.worker': fromGraphiql.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
      'graphql.worker': fromGraphiql.resolve('monaco-graphql/esm/graphql.worker.js'),
    },
    format: 'iife',
  }),
]);
const bytes = Object.values(page.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`gateway/dist/browser: GraphiQL bundled in ${Date.now() - started} ms (page ${(bytes / 1e6).toFixed(1)} MB)`);
