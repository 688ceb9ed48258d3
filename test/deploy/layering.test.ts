import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The rule by folder (DESIGN.md): shared packages know no service, no edge and no launcher;
 * services know no other service; only the launcher composes them all. Checked on every import
 * and re-export of every TypeScript source and test, by package name and by relative path. The
 * test kit (test/kit) is a shared package, except its `stack` module, which starts the launcher.
 */
const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));

type Room = { kind: 'package' | 'service' | 'edge' | 'launcher' | 'other'; name: string };

const PACKAGE_ROOMS: Record<string, Room> = {
  contracts: { kind: 'package', name: 'contracts' },
  platform: { kind: 'package', name: 'platform' },
  access: { kind: 'service', name: 'access' },
  ingest: { kind: 'service', name: 'ingest' },
  qa: { kind: 'service', name: 'qa' },
  templates: { kind: 'service', name: 'templates' },
  analytics: { kind: 'service', name: 'analytics' },
  gateway: { kind: 'edge', name: 'gateway' },
  'rest-adapter': { kind: 'edge', name: 'rest-adapter' },
  launcher: { kind: 'launcher', name: 'launcher' },
};

/** `@perceptiq/testkit/stack` and the kit's stack folder reach the whole stack, as the launcher does. */
const KIT_STACK: Room = { kind: 'launcher', name: 'testkit/stack' };

/** The room a file of the repository sits in. */
function roomOfPath(path: string): Room {
  const [top, second, ...rest] = relative(ROOT, path).split(sep);
  if (top === 'test' && second === 'kit') return rest.join('/').startsWith('src/stack/') ? KIT_STACK : { kind: 'package', name: 'testkit' };
  if (top === 'packages') return { kind: 'package', name: second ?? '' };
  if (top === 'services') return { kind: 'service', name: second ?? '' };
  if (top === 'gateway' || top === 'rest-adapter') return { kind: 'edge', name: top };
  if (top === 'launcher') return { kind: 'launcher', name: 'launcher' };
  return { kind: 'other', name: top ?? '' };
}

/** The room an import specifier reaches, or undefined for third-party modules and node built-ins. */
function roomOfImport(from: string, specifier: string): Room | undefined {
  if (specifier === '@perceptiq/testkit/stack') return KIT_STACK;
  const named = /^@perceptiq\/([\w-]+)/.exec(specifier);
  if (named) return PACKAGE_ROOMS[named[1]!] ?? { kind: 'package', name: named[1]! };
  if (specifier.startsWith('.')) return roomOfPath(resolve(from, '..', specifier));
  return undefined;
}

/** Why an import from `from` into `to` breaks the rule, or undefined when it is allowed. */
function violation(from: Room, to: Room): string | undefined {
  if (from.kind === 'package' && to.kind !== 'package') return `a shared package imports the ${to.kind} "${to.name}"`;
  if (from.kind === 'service' && to.kind !== 'package' && to.name !== from.name) return `the service "${from.name}" imports the ${to.kind} "${to.name}"`;
  if (from.kind === 'edge' && (to.kind === 'service' || to.kind === 'launcher' || (to.kind === 'edge' && to.name !== from.name))) {
    return `the ${from.name} imports the ${to.kind} "${to.name}"`;
  }
  return undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) return [];
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(entry) && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]!).filter(Boolean);
}

function violationsUnder(folders: string[]): string[] {
  return folders.flatMap((folder) =>
    sourceFiles(join(ROOT, folder)).flatMap((file) =>
      importsOf(file).flatMap((specifier) => {
        const to = roomOfImport(file, specifier);
        const why = to && violation(roomOfPath(file), to);
        return why ? [`${relative(ROOT, file)}: ${why} ("${specifier}")`] : [];
      }),
    ),
  );
}

describe('the rule by folder', () => {
  it('sees every import form it claims to check (so a silent regex cannot pass the rule)', () => {
    const sample = [
      "import { a } from '@perceptiq/ingest';",
      'export { b } from "../../gateway/src/app.js";',
      "const c = await import('@perceptiq/launcher');",
      "import '@perceptiq/qa';",
      'import type { D } from "@perceptiq/access";',
    ].join('\n');
    expect([...sample.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3])).toEqual([
      '@perceptiq/ingest',
      '../../gateway/src/app.js',
      '@perceptiq/launcher',
      '@perceptiq/qa',
      '@perceptiq/access',
    ]);
    const pkg = roomOfPath(join(ROOT, 'packages/platform/src/x.ts'));
    expect(violation(pkg, roomOfImport(join(ROOT, 'packages/platform/src/x.ts'), '@perceptiq/launcher')!)).toMatch(/launcher/);
    expect(violation(roomOfPath(join(ROOT, 'services/qa/src/x.ts')), roomOfImport(join(ROOT, 'services/qa/src/x.ts'), '../../ingest/src/y.js')!)).toMatch(/ingest/);
    expect(violation(roomOfPath(join(ROOT, 'services/qa/src/x.ts')), roomOfImport(join(ROOT, 'services/qa/src/x.ts'), '@perceptiq/platform')!)).toBeUndefined();
    const platformTest = join(ROOT, 'packages/platform/test/x.test.ts');
    expect(violation(roomOfPath(platformTest), roomOfImport(platformTest, '@perceptiq/testkit/nats')!)).toBeUndefined();
    expect(violation(roomOfPath(platformTest), roomOfImport(platformTest, '@perceptiq/testkit/stack')!)).toMatch(/launcher "testkit\/stack"/);
    const kitNats = join(ROOT, 'test/kit/src/nats.ts');
    expect(violation(roomOfPath(kitNats), roomOfImport(kitNats, './stack/test-stack.js')!)).toMatch(/launcher/);
  });

  it('nothing under packages/ imports a service, the gateway, the REST adapter or the launcher', () => {
    expect(violationsUnder(['packages'])).toEqual([]);
  });

  it('services import no other service, edge or launcher', () => {
    expect(violationsUnder(['services'])).toEqual([]);
  });

  it('the gateway and the REST adapter import no service, no launcher and not each other', () => {
    expect(violationsUnder(['gateway', 'rest-adapter'])).toEqual([]);
  });

  it("the test kit's shared modules import no service, edge or launcher (only its stack module may)", () => {
    expect(violationsUnder(['test/kit'])).toEqual([]);
  });
});
