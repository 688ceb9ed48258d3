// GraphiQL for the gateway's /graphql, bundled by scripts/build-browser.mjs into dist/browser and
// served from the gateway itself: no CDN, so it works offline and under our script-src 'self'.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createRoot } from 'react-dom/client';
import './graphiql-page.css';

// Monaco runs its language services in workers; each is a separate file of the bundle, beside this one.
const WORKERS = { json: 'json.worker.js', graphql: 'graphql.worker.js' };
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    return new Worker(new URL(WORKERS[label] ?? 'editor.worker.js', import.meta.url));
  },
};

// The page is served at the endpoint itself (GET /graphql for a browser): calls go to the same URL.
const fetcher = createGraphiQLFetcher({ url: new URL(window.location.pathname, window.location.href).href });

const DEFAULT_QUERY = `# Every operation needs an API key: put yours in the Headers tab below, e.g.
#   {"Authorization": "Bearer pa_live_…"}

{
  me {
    clientId
  }
}
`;

createRoot(document.getElementById('graphiql')).render(<GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />);
