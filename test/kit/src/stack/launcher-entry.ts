import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const LAUNCHER_DIST = new URL('../../../../launcher/dist/', import.meta.url);

/**
 * A built entry point of the launcher, as a path to start with `node`: process stacks run the
 * compiled code a user runs, never these TypeScript sources.
 */
export function launcherEntry(name: 'embedded.js' | 'service.js'): string {
  const url = new URL(name, LAUNCHER_DIST);
  if (!existsSync(url)) throw new Error(`launcher/dist/${name} is missing: run \`npm run build\` first (\`npm test\` builds before testing).`);
  return fileURLToPath(url);
}
