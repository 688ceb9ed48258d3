import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The code samples of the page partners read (`../shared/spec/published-api-page.txt`), found by
 * parsing it. The page is plain text that lost its formatting: no code fences, Windows `^`
 * continuations in the curl commands, no indentation in the Python. A sample starts at a line
 * only code starts with (`curl …`, a Python `import`, a JavaScript declaration) and ends where its
 * code does: curl at the first line without `^`, Python and JavaScript at the first line, outside
 * any bracket, that is prose or starts another sample.
 */

export type SnippetLanguage = 'curl' | 'python' | 'javascript';

export interface Snippet {
  language: SnippetLanguage;
  /** Runnable code: bash for curl, Python with its indentation restored, an ES module for JavaScript. */
  code: string;
  /** 1-based line of the page where the sample starts. */
  line: number;
}

export const PUBLISHED_PAGE_PATH = fileURLToPath(new URL('../../../shared/spec/published-api-page.txt', import.meta.url));

export function readPublishedPage(path = PUBLISHED_PAGE_PATH): string {
  if (!existsSync(path)) {
    throw new Error(`published API page not found at ${path}: the test runs the page kept in ../shared/spec beside the repository`);
  }
  return readFileSync(path, 'utf8');
}

const PYTHON_IMPORT = /^(import\s+[\w.]+(\s+as\s+\w+)?(\s*,\s*[\w.]+)*|from\s+[\w.]+\s+import\s+.+)\s*$/;
const JS_IMPORT = /^import\s+(['"]|.*\sfrom\s+['"])/;
const JS_DECLARATION = /^(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=/;

function startLanguage(line: string): SnippetLanguage | undefined {
  if (/^curl\s/.test(line)) return 'curl';
  if (JS_IMPORT.test(line) || JS_DECLARATION.test(line) || /^await\s/.test(line)) return 'javascript';
  if (PYTHON_IMPORT.test(line)) return 'python';
  return undefined;
}

/** A line that reads as the start of a statement in `language` (not prose). */
function isCodeLine(language: 'python' | 'javascript', line: string): boolean {
  if (/^[)\]}]/.test(line)) return true;
  if (language === 'python') {
    return (
      /^(import|from|with|for|if|elif|else|while|try|except|finally|def|class|return|raise|assert|pass|break|continue|async|await)\b/.test(line) ||
      /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*\s*(=|\+=|-=|\(|\[)/.test(line)
    );
  }
  return (
    /^(const|let|var|await|import|export|if|else|for|while|return|try|catch|finally|function|async|throw)\b/.test(line) ||
    /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*\s*(=|\+=|-=|\()/.test(line)
  );
}

/** Bracket depth and open string across the lines of one statement; comments end a line. */
interface ScanState {
  depth: number;
  quote: string | null;
}

function scanLine(language: 'python' | 'javascript', line: string, state: ScanState): ScanState {
  let { depth, quote } = state;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || (language === 'javascript' && ch === '`')) quote = ch;
    else if (language === 'python' && ch === '#') break;
    else if (language === 'javascript' && ch === '/' && line[i + 1] === '/') break;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
  }
  // Only JavaScript template literals span lines; an unclosed ordinary quote ends with its line.
  return { depth, quote: quote === '`' ? quote : null };
}

interface Statement {
  lines: string[];
  /** Bracket depth at the start of each line. */
  depths: number[];
}

/** The statement starting at `lines[start]`: up to the line where every bracket and string closes. */
function readStatement(language: 'python' | 'javascript', lines: string[], start: number): Statement {
  const statement: Statement = { lines: [], depths: [] };
  let state: ScanState = { depth: 0, quote: null };
  for (let i = start; i < lines.length; i++) {
    statement.lines.push(lines[i]!);
    statement.depths.push(state.depth);
    state = scanLine(language, lines[i]!, state);
    if (state.depth <= 0 && !state.quote) break;
  }
  return statement;
}

/**
 * Python's lost indentation, restored: lines inside brackets one level per open bracket, and the
 * body of a block header (`with open(...) as f:`) one level in. The page cannot say where a block
 * ends, so a body is the one statement after its header, as in every sample on the page.
 */
function indentPython(statements: Statement[]): string {
  const out: string[] = [];
  let level = 0;
  let openBlocks = 0;
  for (const { lines, depths } of statements) {
    lines.forEach((line, i) => {
      const closers = /^[)\]}]+/.exec(line)?.[0].length ?? 0;
      out.push(`${'    '.repeat(level + Math.max(0, depths[i]! - closers))}${line}`);
    });
    if (/:\s*(#.*)?$/.test(lines.at(-1)!)) {
      level++;
      openBlocks++;
    } else {
      level -= openBlocks;
      openBlocks = 0;
    }
  }
  return `${out.join('\n')}\n`;
}

/** A line that begins a new sample in the same language right after a complete one. */
function startsAnotherSample(language: 'python' | 'javascript', line: string, statements: Statement[]): boolean {
  if (language === 'python') {
    // Imports come first: an import after other statements opens the next sample.
    return PYTHON_IMPORT.test(line) && statements.some((s) => !PYTHON_IMPORT.test(s.lines[0]!));
  }
  if (JS_IMPORT.test(line)) return statements.some((s) => !JS_IMPORT.test(s.lines[0]!));
  // Declaring a name again would be a syntax error in one module: it is the next sample.
  const name = JS_DECLARATION.exec(line)?.[1];
  return name !== undefined && statements.some((s) => JS_DECLARATION.exec(s.lines[0]!)?.[1] === name);
}

function readCodeSample(language: 'python' | 'javascript', lines: string[], start: number): { code: string; end: number } {
  const statements: Statement[] = [];
  let i = start;
  for (;;) {
    const statement = readStatement(language, lines, i);
    statements.push(statement);
    i += statement.lines.length;
    const next = lines[i];
    const opensBlock = language === 'python' && /:\s*(#.*)?$/.test(statement.lines.at(-1)!);
    if (next === undefined) break;
    if (opensBlock) continue; // a header's body follows, whatever it looks like
    const other = startLanguage(next);
    if (other !== undefined && other !== language) break;
    if (!isCodeLine(language, next) || startsAnotherSample(language, next, statements)) break;
  }
  const code = language === 'python' ? indentPython(statements) : `${statements.flatMap((s) => s.lines).join('\n')}\n`;
  return { code, end: i };
}

/** A Windows `cmd` curl command as bash: each trailing `^` becomes `\`. */
function readCurl(lines: string[], start: number): { code: string; end: number } {
  const out: string[] = [];
  let i = start;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const continued = /\s\^\s*$/.test(line);
    out.push(continued ? line.replace(/\s*\^\s*$/, ' \\') : line);
    if (!continued) break;
  }
  return { code: `${out.join('\n')}\n`, end: i + 1 };
}

export function extractSnippets(page: string): Snippet[] {
  const lines = page.split(/\r?\n/).map((line) => line.trimEnd());
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; ) {
    const language = startLanguage(lines[i]!);
    if (!language) {
      i++;
      continue;
    }
    const { code, end } = language === 'curl' ? readCurl(lines, i) : readCodeSample(language, lines, i);
    snippets.push({ language, code, line: i + 1 });
    i = end;
  }
  return snippets;
}

/** The page's example base URL, key, admin token and client id. */
const PAGE_BASE_URL = 'http://127.0.0.1:8100';
const KEY_PLACEHOLDER = /<API_KEY>|pa_live_\.\.\./g;
const ADMIN_TOKEN_PLACEHOLDER = /<API_ADMIN_TOKEN>/g;
const CLIENT_ID = /\bcli_[a-z0-9]{12}\b/g;

/** The calls a sample names, in order: each path (with its query) after the base URL or an interpolated base. */
export function namedCalls(snippet: Snippet): string[] {
  return [...snippet.code.matchAll(/(?:127\.0\.0\.1:8100|\{\w+\})(\/(?:v1|api)\/[^\s"'`]*)/g)].map((m) => m[1]!);
}

export const namesClient = (snippet: Snippet): boolean => new RegExp(CLIENT_ID.source).test(snippet.code);

export interface LiveValues {
  baseUrl: string;
  apiKey: string;
  adminToken: string;
  /** Replaces the page's example client id, when given. */
  clientId?: string;
}

/** The sample's code with the page's example URL, key, admin token (and client id) replaced by live ones. */
export function withLiveValues(snippet: Snippet, live: LiveValues): string {
  let code = snippet.code
    .replaceAll(PAGE_BASE_URL, live.baseUrl)
    .replace(KEY_PLACEHOLDER, live.apiKey)
    .replace(ADMIN_TOKEN_PLACEHOLDER, live.adminToken);
  if (live.clientId !== undefined) code = code.replace(CLIENT_ID, live.clientId);
  return code;
}

/** Placeholders left in filled-in code: a page change that adds a new one shows up here. */
export const leftPlaceholders = (code: string): string[] => [...code.matchAll(/<[A-Z_]+>|\w+_\.\.\.|127\.0\.0\.1:8100/g)].map((m) => m[0]);
