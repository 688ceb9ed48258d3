/**
 * Deployment files, checked offline: no Docker engine or cluster is needed (or available) here.
 *
 * Every Kubernetes manifest is validated against the API schemas (kubernetes-models), and ports,
 * probes, commands and env names in k8s/, docker-compose.yml, .env.example and the Dockerfile are
 * cross-checked against the code (StackEnvSchema, SERVICE_DEFAULT_PORT), so a renamed variable or a moved
 * port fails here rather than in a cluster. `kubectl kustomize` renders the kustomizations when
 * kubectl is installed; without it that block is not generated at all (not reported as passed).
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { SERVICE_DEFAULT_PORT, SERVICE_NAMES } from '@perceptiq/contracts';
// The launcher's schema and loader: the platform's variables and every service's and the gateway's.
import { loadConfig, StackEnvSchema } from '@perceptiq/launcher';

// ---- facts from the code ----------------------------------------------------------------------

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const K8S = join(ROOT, 'k8s');
const BASE = join(K8S, 'base');
const OVERLAY = join(K8S, 'overlays/production');

const ENV_KEYS = new Set(Object.keys(StackEnvSchema.shape));
const DEFAULTS = StackEnvSchema.parse({}) as Record<string, unknown>;
const ROLES = [...SERVICE_NAMES, 'gateway', 'rest-adapter'] as const;
type Role = (typeof ROLES)[number];
// Only the edge ports come from StackEnvSchema defaults; the five services' from the contracts package.
const ROLE_PORT: Record<Role, number> = {
  ...SERVICE_DEFAULT_PORT,
  gateway: DEFAULTS.GATEWAY_PORT as number,
  'rest-adapter': DEFAULTS.PORT as number,
};
// `<NAME>_URL` variable → the role it addresses.
const URL_ENV: Record<string, Role> = {
  GATEWAY_URL: 'gateway',
  ...Object.fromEntries(SERVICE_NAMES.map((n) => [`${n.toUpperCase()}_URL`, n])),
};
/** Env variables whose values are secrets: never literal in the base. Secret key for each. */
const SECRET_ENV: Record<string, { key: string; optional?: boolean }> = {
  PERCEPTIQ_ADMIN_TOKEN: { key: 'admin-token' },
  PERCEPTIQ_KEY_SECRET: { key: 'key-secret' },
  PERCEPTIQ_CONTEXT_SECRET: { key: 'context-secret' },
  MONGODB_URI: { key: 'mongodb-uri' },
  LLM_API_KEY: { key: 'llm-api-key', optional: true },
};
const SECRET_NAME = 'perceptiq-secrets';
const CONFIGMAP_NAME = 'perceptiq-config';
const SERVICE_JS = 'launcher/dist/service.js';

// ---- loading -----------------------------------------------------------------------------------

type Obj = Record<string, any>;
interface Doc {
  file: string; // relative to the repository root
  index: number;
  obj: Obj;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

function parseDocs(text: string, file: string): Doc[] {
  return parseAllDocuments(text).flatMap((d, index) => {
    if (d.errors.length) throw new Error(`${file}#${index}: ${d.errors.map((e) => e.message).join('; ')}`);
    const obj = d.toJS() as Obj | null;
    return obj == null ? [] : [{ file, index, obj }];
  });
}

const K8S_FILES = yamlFiles(K8S);
const DOCS = K8S_FILES.flatMap((f) => parseDocs(readFileSync(f, 'utf8'), relative(ROOT, f)));
const BASE_DOCS = DOCS.filter((d) => d.file.startsWith('k8s/base/') && d.obj.kind !== 'Kustomization');

const VALIDATORS: Record<string, (o: Obj) => void> = {
  'apps/v1/Deployment': (o) => new Deployment(o as any).validate(),
  'v1/Service': (o) => new Service(o as any).validate(),
  'v1/ConfigMap': (o) => new ConfigMap(o as any).validate(),
  'v1/Secret': (o) => new Secret(o as any).validate(),
  // Not a cluster object, so no schema in kubernetes-models: check the fields kustomize relies on.
  'kustomize.config.k8s.io/v1beta1/Kustomization': (o) => {
    const known = ['apiVersion', 'kind', 'resources', 'namespace', 'images', 'replicas', 'patches', 'labels'];
    const unknown = Object.keys(o).filter((k) => !known.includes(k));
    if (unknown.length) throw new Error(`unexpected Kustomization fields: ${unknown.join(', ')}`);
    if (!Array.isArray(o.resources) || !o.resources.every((r: unknown) => typeof r === 'string')) {
      throw new Error('resources must be a list of paths');
    }
  },
};
const typeOf = (o: Obj) => `${o.apiVersion}/${o.kind}`;

const kustomization = (dir: string): Obj => parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'));

function deploymentFor(role: Role, docs: Obj[] = BASE_DOCS.map((d) => d.obj)): Obj {
  const found = docs.filter((o) => o.kind === 'Deployment' && o.metadata?.labels?.['app.kubernetes.io/component'] === role);
  expect(found).toHaveLength(1);
  return found[0]!;
}
function serviceFor(role: Role): Obj {
  const found = BASE_DOCS.map((d) => d.obj).filter(
    (o) => o.kind === 'Service' && o.metadata?.labels?.['app.kubernetes.io/component'] === role,
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}
const baseConfigMap = (): Obj => {
  const found = BASE_DOCS.map((d) => d.obj).filter((o) => o.kind === 'ConfigMap' && o.metadata?.name === CONFIGMAP_NAME);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const shutdownTimeoutMs = (): number => Number(baseConfigMap().data?.SHUTDOWN_TIMEOUT_MS ?? DEFAULTS.SHUTDOWN_TIMEOUT_MS);

/** Values good enough for StackEnvSchema where the real ones are secrets or interpolated by compose. */
const DUMMY_SECRETS = {
  PERCEPTIQ_ADMIN_TOKEN: 'x'.repeat(32),
  PERCEPTIQ_KEY_SECRET: 'y'.repeat(32),
  PERCEPTIQ_CONTEXT_SECRET: 'z'.repeat(32),
  MONGODB_URI: 'mongodb://mongo.example:27017',
};

function preStopSeconds(container: Obj): number {
  const cmd: string[] | undefined = container.lifecycle?.preStop?.exec?.command;
  return cmd?.[0] === 'sleep' ? Number(cmd[1]) : 0;
}

// ---- Kubernetes manifests ----------------------------------------------------------------------

describe('k8s manifests', () => {
  it('finds the base, the overlay and the secret example', () => {
    expect(existsSync(join(BASE, 'kustomization.yaml'))).toBe(true);
    expect(existsSync(join(OVERLAY, 'kustomization.yaml'))).toBe(true);
    expect(existsSync(join(K8S, 'secret.example.yaml'))).toBe(true);
    expect(DOCS.length).toBeGreaterThan(ROLES.length * 2);
  });

  it.each(DOCS.map((d) => [`${d.file}#${d.index} ${d.obj.kind}/${d.obj.metadata?.name ?? ''}`, d] as const))(
    'validates against the Kubernetes schema: %s',
    (_label, doc) => {
      const validate = VALIDATORS[typeOf(doc.obj)];
      if (!validate) throw new Error(`no validator for ${typeOf(doc.obj)}: add one rather than skip it`);
      expect(() => validate(doc.obj)).not.toThrow();
    },
  );

  it('lists existing resources in every kustomization, and every base manifest in the base', () => {
    for (const file of K8S_FILES.filter((f) => f.endsWith('kustomization.yaml'))) {
      const dir = dirname(file);
      for (const res of kustomization(dir).resources as string[]) {
        const path = resolve(dir, res);
        expect({ file: relative(ROOT, file), res, exists: existsSync(path) }).toEqual({ file: relative(ROOT, file), res, exists: true });
        if (statSync(path).isDirectory()) expect(existsSync(join(path, 'kustomization.yaml'))).toBe(true);
      }
    }
    const listed = new Set(kustomization(BASE).resources as string[]);
    const present = readdirSync(BASE).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
    expect(present.filter((f) => !listed.has(f))).toEqual([]);
  });

  it('names only env variables that StackEnvSchema knows', () => {
    const used: string[] = [];
    for (const { obj } of DOCS) {
      if (obj.kind === 'ConfigMap') used.push(...Object.keys(obj.data ?? {}));
      for (const c of obj.spec?.template?.spec?.containers ?? []) used.push(...(c.env ?? []).map((e: Obj) => e.name));
      // JSON patches on the ConfigMap in overlays: /data/<NAME>.
      for (const p of obj.kind === 'Kustomization' ? (obj.patches ?? []) : []) {
        for (const op of parse(p.patch ?? '[]') as Obj[]) {
          const m = /^\/data\/(.+)$/.exec(op.path ?? '');
          if (m) used.push(m[1]!);
        }
      }
    }
    expect(used.length).toBeGreaterThan(0);
    expect([...new Set(used)].filter((n) => !ENV_KEYS.has(n))).toEqual([]);
  });

  it('configures distributed mode, with URLs that name the base Services on their ports', () => {
    const data = baseConfigMap().data as Record<string, string>;
    expect(data.HOST).toBe('0.0.0.0');
    expect(data.NATS_URL).toBeTruthy();
    for (const [name, role] of Object.entries(URL_ENV)) {
      const svc = serviceFor(role);
      expect({ name, url: data[name] }).toEqual({ name, url: `http://${svc.metadata.name}:${ROLE_PORT[role]}/graphql` });
    }
    // The values the pods will get must pass the code's own validation, as distributed mode.
    const config = loadConfig({ ...data, ...DUMMY_SECRETS });
    expect(config.mode).toBe('distributed');
    expect(config.host).toBe('0.0.0.0');
  });

  it('keeps secrets out of the base: no Secret, no literal secret values, only secretKeyRefs', () => {
    expect(BASE_DOCS.filter((d) => d.obj.kind === 'Secret')).toEqual([]);
    const cmKeys = Object.keys(baseConfigMap().data ?? {});
    expect(cmKeys.filter((k) => k in SECRET_ENV)).toEqual([]);
    for (const role of ROLES) {
      const env: Obj[] = deploymentFor(role).spec.template.spec.containers[0].env ?? [];
      for (const [name, { key, optional }] of Object.entries(SECRET_ENV)) {
        const entry = env.find((e) => e.name === name);
        expect({ role, name, value: entry?.value }).toEqual({ role, name, value: undefined });
        expect({ role, name, ref: entry?.valueFrom?.secretKeyRef }).toEqual({
          role,
          name,
          ref: optional ? { name: SECRET_NAME, key, optional: true } : { name: SECRET_NAME, key },
        });
      }
    }
    // The example's placeholder values must not have been copied into the base.
    const example = parse(readFileSync(join(K8S, 'secret.example.yaml'), 'utf8')) as Obj;
    expect(example.metadata.name).toBe(SECRET_NAME);
    const values = Object.values(example.stringData as Record<string, string>);
    expect(values.every((v) => v.includes('REPLACE'))).toBe(true);
    expect(Object.keys(example.stringData).sort()).toEqual(
      Object.values(SECRET_ENV).filter((s) => !s.optional).map((s) => s.key).sort(),
    );
    const baseText = readdirSync(BASE).map((f) => readFileSync(join(BASE, f), 'utf8')).join('\n');
    for (const v of values) expect(baseText.includes(v)).toBe(false);
    // Nothing pulls the example in.
    for (const f of K8S_FILES.filter((f) => f.endsWith('kustomization.yaml'))) {
      expect(readFileSync(f, 'utf8')).not.toMatch(/secret\.example/);
    }
  });

  describe.each(ROLES.map((r) => [r]))('%s', (role) => {
    const port = ROLE_PORT[role];

    it("runs the role's command and exposes the code's default port as `http`, and METRICS_PORT's as `metrics`", () => {
      const dep = deploymentFor(role);
      expect(dep.metadata.name).toBe(`perceptiq-${role}`);
      expect(dep.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'perceptiq', 'app.kubernetes.io/component': role });
      // The selector must match the pod template, or the Deployment is rejected / adopts nothing.
      expect(dep.spec.template.metadata.labels).toMatchObject(dep.spec.selector.matchLabels);
      expect(dep.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'perceptiq', 'app.kubernetes.io/component': role });
      const [c, ...others] = dep.spec.template.spec.containers;
      expect(others).toEqual([]);
      expect([...(c.command ?? []), ...(c.args ?? [])]).toEqual(['node', SERVICE_JS, role]);
      expect(c.ports).toEqual([
        expect.objectContaining({ name: 'http', containerPort: port }),
        expect.objectContaining({ name: 'metrics', containerPort: DEFAULTS.METRICS_PORT }),
      ]);
      // Prometheus scrapes the metrics port, which no Service exposes to partners.
      expect(dep.spec.template.metadata.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(DEFAULTS.METRICS_PORT),
        'prometheus.io/path': '/metrics',
      });
      expect(c.envFrom).toEqual([{ configMapRef: { name: CONFIGMAP_NAME } }]);
    });

    it('probes /healthz for liveness and /readyz for readiness on the http port', () => {
      const c = deploymentFor(role).spec.template.spec.containers[0];
      const onHttp = (p: number | string) => p === 'http' || p === port;
      expect(c.livenessProbe.httpGet.path).toBe('/healthz');
      expect(onHttp(c.livenessProbe.httpGet.port)).toBe(true);
      expect(c.readinessProbe.httpGet.path).toBe('/readyz');
      expect(onHttp(c.readinessProbe.httpGet.port)).toBe(true);
      if (c.startupProbe) {
        expect(c.startupProbe.httpGet.path).toBe('/healthz');
        expect(onHttp(c.startupProbe.httpGet.port)).toBe(true);
      }
    });

    it('has a Service that selects its pods and targets the http port', () => {
      const dep = deploymentFor(role);
      const svc = serviceFor(role);
      expect(svc.metadata.name).toBe(dep.metadata.name);
      expect(dep.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
      expect(svc.spec.ports).toHaveLength(1);
      expect(svc.spec.ports[0].port).toBe(port);
      expect([port, 'http']).toContain(svc.spec.ports[0].targetPort);
    });

    it('runs non-root on a read-only root filesystem, with writable /tmp and data dir', () => {
      const pod = deploymentFor(role).spec.template.spec;
      const c = pod.containers[0];
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
      const dataDir = baseConfigMap().data.PERCEPTIQ_DATA_DIR;
      expect(dataDir).toMatch(/^\//);
      for (const path of ['/tmp', dataDir]) {
        const mount = (c.volumeMounts as Obj[]).find((m) => m.mountPath === path);
        expect({ path, mounted: !!mount }).toEqual({ path, mounted: true });
        const volume = (pod.volumes as Obj[]).find((v) => v.name === mount!.name);
        expect(volume?.emptyDir).toBeDefined();
      }
    });

    it('sets requests and limits, and outlasts the graceful shutdown', () => {
      const pod = deploymentFor(role).spec.template.spec;
      const c = pod.containers[0];
      for (const kind of ['requests', 'limits']) {
        expect(c.resources[kind]).toEqual(expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }));
      }
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(shutdownTimeoutMs() + preStopSeconds(c) * 1000);
    });
  });

  it('has an overlay that scales the edge and pins the image used by the base', () => {
    const k = kustomization(OVERLAY);
    const replicas = Object.fromEntries((k.replicas as Obj[]).map((r) => [r.name, r.count]));
    expect(replicas).toEqual({ 'perceptiq-gateway': 2, 'perceptiq-rest-adapter': 2 });
    const baseImages = new Set(ROLES.map((r) => deploymentFor(r).spec.template.spec.containers[0].image));
    expect([...baseImages]).toEqual([k.images[0].name]);
    expect(String(k.images[0].newTag)).toMatch(/\S/);
  });
});

// Rendered by the real kustomize only where kubectl exists; elsewhere this block is absent.
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (hasKubectl) {
  describe('kubectl kustomize', () => {
    const render = (dir: string): Obj[] => {
      const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr}`);
      return parseDocs(r.stdout, dir).map((d) => d.obj);
    };

    it.each([['k8s/base'], ['k8s/overlays/production']])('renders %s into valid objects', (dir) => {
      const objs = render(join(ROOT, dir));
      expect(objs.filter((o) => o.kind === 'Deployment')).toHaveLength(ROLES.length);
      expect(objs.filter((o) => o.kind === 'Service')).toHaveLength(ROLES.length);
      for (const o of objs) {
        const validate = VALIDATORS[typeOf(o)];
        if (!validate) throw new Error(`unexpected rendered ${typeOf(o)}`);
        validate(o);
      }
    });

    it('applies the production overlay: namespace, replicas, image tag, NATS address', () => {
      const objs = render(OVERLAY);
      const k = kustomization(OVERLAY);
      for (const o of objs) expect(o.metadata.namespace).toBe(k.namespace);
      for (const role of ROLES) {
        const dep = deploymentFor(role, objs);
        const expected = role === 'gateway' || role === 'rest-adapter' ? 2 : 1;
        expect({ role, replicas: dep.spec.replicas }).toEqual({ role, replicas: expected });
        expect(dep.spec.template.spec.containers[0].image).toBe(`${k.images[0].newName}:${k.images[0].newTag}`);
      }
      const cm = objs.find((o) => o.kind === 'ConfigMap')!;
      expect(cm.data.NATS_URL).not.toBe(baseConfigMap().data.NATS_URL);
      expect(loadConfig({ ...cm.data, ...DUMMY_SECRETS }).mode).toBe('distributed');
    });
  });
}

// ---- docker-compose.yml ------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Obj;
  const services = compose.services as Record<string, Obj>;
  const interpolated = (v: unknown) => [...String(v).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);

  it('has nats, mongo and one service per role', () => {
    expect(Object.keys(services).sort()).toEqual(['nats', 'mongo', ...ROLES].sort());
    expect(services.nats!.command).toEqual(expect.arrayContaining(['-js', '-m', '8222']));
    expect(services.nats!.healthcheck.test.join(' ')).toContain(':8222/healthz');
    expect(services.mongo!.healthcheck.test.join(' ')).toMatch(/mongosh.*ping/);
  });

  it.each(ROLES.map((r) => [r]))('%s: command, readiness healthcheck, healthy dependencies, ports', (role) => {
    const svc = services[role]!;
    const port = ROLE_PORT[role];
    expect(svc.command).toEqual(['node', SERVICE_JS, role]);
    expect(svc.healthcheck.test).toEqual(['CMD', 'node', 'launcher/dist/healthcheck.js', `http://127.0.0.1:${port}/readyz`]);
    const deps = Object.entries(svc.depends_on as Record<string, Obj>);
    expect(deps.map(([name]) => name)).toEqual(expect.arrayContaining(['nats', 'mongo']));
    for (const [name, dep] of deps) {
      expect({ name, condition: dep.condition }).toEqual({ name, condition: 'service_healthy' });
      expect(services[name]?.healthcheck).toBeDefined(); // else service_healthy never holds
    }
    // Only the edge is published, each on its own port.
    const published = role === 'gateway' || role === 'rest-adapter' ? [`${port}:${port}`] : undefined;
    expect(svc.ports).toEqual(published);
    // Docker's default stop timeout (10 s) equals the app's deadline: SIGKILL would race it.
    expect(parseInt(svc.stop_grace_period, 10) * 1000).toBeGreaterThan(DEFAULTS.SHUTDOWN_TIMEOUT_MS as number);
  });

  it('names only StackEnvSchema variables, required secrets, and URLs of compose services on their ports', () => {
    for (const role of ROLES) {
      const env = services[role]!.environment as Record<string, unknown>;
      const names = [...Object.keys(env), ...Object.values(env).flatMap(interpolated)];
      expect({ role, unknown: [...new Set(names)].filter((n) => !ENV_KEYS.has(n)) }).toEqual({ role, unknown: [] });
      expect(env.HOST).toBe('0.0.0.0');
      expect(env.NATS_URL).toBe('nats://nats:4222');
      expect(env.MONGODB_URI).toBe('mongodb://mongo:27017');
      for (const name of ['PERCEPTIQ_ADMIN_TOKEN', 'PERCEPTIQ_KEY_SECRET', 'PERCEPTIQ_CONTEXT_SECRET']) {
        expect(String(env[name])).toMatch(new RegExp(`^\\$\\{${name}:\\?.+\\}$`));
      }
      for (const [name, target] of Object.entries(URL_ENV)) {
        expect({ name, url: env[name] }).toEqual({ name, url: `http://${target}:${ROLE_PORT[target]}/graphql` });
      }
      // With the interpolations filled in as compose would (`:-` default, `:?` a value from .env),
      // the code accepts the environment as distributed mode.
      const filled = Object.fromEntries(
        Object.entries(env).map(([k, v]) => [
          k,
          String(v).replace(/\$\{([A-Za-z0-9_]+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) =>
            op === '-' ? (arg ?? '') : ((DUMMY_SECRETS as Record<string, string>)[name] ?? ''),
          ),
        ]),
      );
      expect(loadConfig(filled).mode).toBe('distributed');
    }
  });
});

// ---- .env.example ------------------------------------------------------------------------------

describe('.env.example', () => {
  const lines = readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n');
  const entries = lines.flatMap((line) => {
    const m = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    return m ? [{ commented: !!m[1], name: m[2]!, value: m[3]!.trim() }] : [];
  });

  it('lists every StackEnvSchema variable once, and nothing else', () => {
    const names = entries.map((e) => e.name);
    expect([...ENV_KEYS].filter((k) => !names.includes(k))).toEqual([]);
    expect(names.filter((n) => !ENV_KEYS.has(n))).toEqual([]);
    expect(names.length).toBe(new Set(names).size);
  });

  it('shows each default commented out, with the value the code uses', () => {
    for (const [name, value] of Object.entries(DEFAULTS)) {
      if (value === undefined) continue;
      const entry = entries.find((e) => e.name === name)!;
      expect({ name, commented: entry.commented, value: entry.value }).toEqual({ name, commented: true, value: String(value) });
    }
  });

  it('puts a comment above every variable', () => {
    lines.forEach((line, i) => {
      if (/^(#\s*)?[A-Z][A-Z0-9_]*=/.test(line)) expect({ line, above: lines[i - 1]!.startsWith('# ') }).toEqual({ line, above: true });
    });
  });
});

// ---- Dockerfile --------------------------------------------------------------------------------

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };

  it('copies every workspace manifest before `npm ci` (it fails on a missing workspace)', () => {
    const ci = dockerfile.search(/^RUN .*npm ci/m);
    expect(ci).toBeGreaterThan(0);
    for (const ws of pkg.workspaces) {
      const at = dockerfile.indexOf(`COPY ${ws}/package.json ${ws}/`);
      expect({ ws, copiedBeforeCi: at >= 0 && at < ci }).toEqual({ ws, copiedBeforeCi: true });
    }
  });

  it('runs embedded by default, as a numeric non-root user, listening on all interfaces', () => {
    expect(dockerfile).toMatch(/^CMD \["node", "launcher\/dist\/embedded\.js"\]$/m);
    const users = [...dockerfile.matchAll(/^USER (\d+)(?::\d+)?$/gm)].map((m) => Number(m[1]));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).toBeGreaterThan(0);
    expect(dockerfile).toMatch(/HOST=0\.0\.0\.0/);
    // The compose healthchecks call this binary.
    expect(existsSync(join(ROOT, 'launcher/src/healthcheck.ts'))).toBe(true);
  });

  it('keeps host build output and secrets out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.env']));
  });
});
