import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SnippetLanguage } from './published-page.js';

/**
 * Runs a code sample as a partner would (curl through bash, Python through Debian's python3 with
 * python3-requests, JavaScript through Node as an ES module) and observes every HTTP answer it
 * gets without touching its code: a recorder loaded before it (a bash function for `curl`, a
 * wrapped `requests.Session.send`, a wrapped `fetch`) logs each answer in a record folder.
 */

/** Debian's interpreter: the pyenv shim on PATH has no `requests`. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

const recorder = (name: string) => fileURLToPath(new URL(`./snippet-recorders/${name}`, import.meta.url));

export interface RecordedCall {
  status: number;
  method: string;
  url: URL;
  /** The answer's body as text. */
  body: string;
}

export interface SnippetRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Every HTTP answer the sample got, in order. */
  calls: RecordedCall[];
}

/** Throws, saying how to install it, when a runtime a sample needs is missing. */
export function requireRuntime(language: SnippetLanguage): void {
  if (language === 'curl') {
    if (spawnSync('bash', ['-c', 'command -v curl'], { stdio: 'ignore' }).status !== 0) {
      throw new Error('curl samples need bash and curl: apt-get install curl');
    }
  } else if (language === 'python') {
    if (!existsSync(DEBIAN_PYTHON)) throw new Error(`Python samples need Debian's ${DEBIAN_PYTHON}: apt-get install python3 python3-requests`);
    const check = spawnSync(DEBIAN_PYTHON, ['-c', 'import requests'], { encoding: 'utf8' });
    if (check.status !== 0) {
      throw new Error(`Python samples need requests for ${DEBIAN_PYTHON}: apt-get install python3-requests (${check.stderr.trim()})`);
    }
  }
}

function command(language: SnippetLanguage, code: string, dir: string): { file: string; args: string[]; env: Record<string, string> } {
  if (language === 'curl') {
    writeFileSync(join(dir, 'snippet.sh'), code);
    return { file: 'bash', args: ['snippet.sh'], env: { BASH_ENV: recorder('record-curl.sh') } };
  }
  if (language === 'python') {
    writeFileSync(join(dir, 'snippet.py'), code);
    return { file: DEBIAN_PYTHON, args: [recorder('record_requests.py'), 'snippet.py'], env: {} };
  }
  writeFileSync(join(dir, 'snippet.mjs'), code);
  // Browser code reads the file a user picked (`fileInput`): give it one from disk.
  const preloads = ['record-fetch.mjs', ...(/\bfileInput\b/.test(code) ? ['file-input.mjs'] : [])];
  return { file: process.execPath, args: [...preloads.flatMap((p) => ['--import', pathToFileURL(recorder(p)).href]), 'snippet.mjs'], env: {} };
}

function readCalls(recordDir: string): RecordedCall[] {
  const log = join(recordDir, 'requests.tsv');
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [status, method, url, bodyPath] = line.split('\t');
      return { status: Number(status), method: method!.toUpperCase(), url: new URL(url!), body: readFileSync(bodyPath!, 'utf8') };
    });
}

export interface RunOptions {
  /** Files placed in the sample's working folder (e.g. the `contract.pdf` it uploads). */
  files?: Record<string, Buffer>;
  /** Which of `files` a browser sample's file input holds. */
  pickedFile?: string;
  timeoutMs?: number;
}

/** Run `code` in a fresh temporary folder (removed afterwards) and report what it printed and every answer it got. */
export async function runSnippet(language: SnippetLanguage, code: string, options: RunOptions = {}): Promise<SnippetRun> {
  requireRuntime(language);
  const dir = mkdtempSync(join(tmpdir(), 'published-snippet-'));
  try {
    for (const [name, bytes] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), bytes);
    const recordDir = join(dir, '.record');
    mkdirSync(recordDir);
    const { file, args, env } = command(language, code, dir);
    // A minimal environment: no proxies, no PYTHONPATH or NODE_OPTIONS from the test run.
    const childEnv: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      PUBLISHED_PAGE_RECORD: recordDir,
      ...(options.pickedFile ? { PUBLISHED_PAGE_FILE: join(dir, options.pickedFile) } : {}),
      ...env,
    };
    const { exitCode, stdout, stderr } = await new Promise<{ exitCode: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(file, args, { cwd: dir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const timer = setTimeout(() => {
        err += `\n(killed after ${options.timeoutMs ?? 30_000} ms)`;
        child.kill('SIGKILL');
      }, options.timeoutMs ?? 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ exitCode: code, stdout: out, stderr: err });
      });
    });
    return { exitCode, stdout, stderr, calls: readCalls(recordDir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
