/** A named benchmark suite; `npm run bench -- --only <name>` runs just that one. */
export interface Suite {
  name: string;
  description: string;
  run(ctx: SuiteContext): Promise<SuiteReport>;
}

export interface SuiteContext {
  /** The repository root (file path, trailing slash). */
  repoRoot: string;
  /** Seconds of measured load per run (10 unless overridden with `--duration`). */
  durationSec: number;
  /** Seconds of warm-up before each measured run (2 unless overridden with `--warmup`). */
  warmupSec: number;
  /** Where to keep raw `.cpuprofile` files (`--keep-profiles <dir>`), for Chrome DevTools; otherwise they are deleted. */
  keepProfilesIn?: string;
  /** `ocr` suite: pages of the generated scanned PDF (`--scan-pages`, default 300). */
  scanPages?: number;
  /** `ocr` suite: `OCR_DPI` of the server that reads that PDF (`--scan-dpi`; default: the ingest default, 300). */
  scanDpi?: number;
  /** `ocr` suite: only its scanned-PDF runs (`--scan-only`); its report is then partial, and not written to RESULTS.md. */
  scanOnly?: boolean;
  log(message: string): void;
}

export interface SuiteReport {
  /** The section's heading in bench/RESULTS.md. */
  title: string;
  /** The suite's section of bench/RESULTS.md, below the header the runner writes (date, machine, command). */
  markdown: string;
  /** A few lines for stdout. */
  summary: string[];
  /**
   * Set when the suite ran only part of what its section reports (e.g. `--scan-only`): why. The
   * runner then prints the markdown on stdout instead of replacing the section in RESULTS.md.
   */
  partial?: string;
}
