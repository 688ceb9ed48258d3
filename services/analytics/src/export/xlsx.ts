import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { cellOf, XLSX_MAX_CELL_CHARS, xlsxCell } from './cells.js';
import type { ExportPlan, PlannedSection } from './plan.js';

export interface XlsxLimits {
  /** Text longer than this is cut with a marker (Excel's limit: 32,767). */
  maxCellChars: number;
  /** Rows per sheet, header included (Excel's limit: 1,048,576); more continue on `<kind> 2`, `<kind> 3`… */
  maxRowsPerSheet: number;
  /** Cell text (UTF-16 code units) written between checks on the output and exceljs's buffer. */
  checkEveryChars: number;
  /** Bytes exceljs may hold that the zip has not yet compressed before writing waits. */
  maxBacklogBytes: number;
}

export const XLSX_LIMITS: XlsxLimits = {
  maxCellChars: XLSX_MAX_CELL_CHARS,
  maxRowsPerSheet: 1_048_576,
  checkEveryChars: 64 * 1024,
  maxBacklogBytes: 1024 * 1024,
};

type Sheet = ExcelJS.Worksheet;

/** The sheet name of a section's `part`-th sheet. Sheet names are ≤ 31 characters: kinds are short. */
const sheetName = (section: PlannedSection, part: number): string => (part === 1 ? section.kind : `${section.kind} ${part}`);

function openSheet(book: ExcelJS.stream.xlsx.WorkbookWriter, section: PlannedSection, part: number): Sheet {
  // Header row frozen, so it stays in view while scrolling.
  const sheet = book.addWorksheet(sheetName(section, part), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow([...section.columns]).commit();
  return sheet;
}

/** A stream of the node:stream kind or of the `readable-stream` 2.x kind archiver uses, which lacks `writableLength`. */
interface Pipe extends NodeJS.EventEmitter {
  writableLength?: number;
  writableNeedDrain?: boolean;
  _writableState?: { length?: number; needDrain?: boolean };
}

/**
 * What exceljs has accepted for a sheet and the zip has not yet compressed. exceljs's worksheet
 * stream (`StreamBuf`) takes every write and passes it on to the zip's input stream without
 * waiting, so a producer faster than deflate (which runs off the main thread) piles the sheet up
 * in that input stream: measured, 10,000 rows of 4 KB grew it by 18 MB. This is the one place the
 * pile shows. Private to exceljs 4.x (`buffers`, `pipes`) and archiver (`_writableState`): if the
 * shape is not there (another version), the answer is `undefined` and writing is paced by the
 * output alone (the memory test would then fail).
 */
function backlog(sheet: Sheet): { bytes: number; pipe: Pipe | undefined } | undefined {
  const stream = (sheet as unknown as { stream?: { buffers?: unknown; pipes?: unknown } }).stream;
  if (!stream || !Array.isArray(stream.buffers) || !Array.isArray(stream.pipes)) return undefined;
  const pipe = stream.pipes[0] as Pipe | undefined;
  let bytes = pipe ? (pipe.writableLength ?? pipe._writableState?.length ?? 0) : 0;
  for (const b of stream.buffers as Array<{ length?: unknown }>) bytes += typeof b.length === 'number' ? b.length : 0;
  return { bytes, pipe };
}

const needsDrain = (pipe: Pipe | undefined): pipe is Pipe => !!pipe && (pipe.writableNeedDrain ?? pipe._writableState?.needDrain ?? false);

/** Waits until the reader has taken what was written and the zip has caught up with exceljs. */
async function pace(sheet: Sheet, sink: PassThrough, limits: XlsxLimits, signal: AbortSignal): Promise<void> {
  // zlib and archiver finish their work in event-loop callbacks: give them a turn.
  await turn(undefined, { signal });
  for (;;) {
    if (sink.writableNeedDrain) {
      await once(sink, 'drain', { signal });
      continue;
    }
    const held = backlog(sheet);
    if (!held || held.bytes <= limits.maxBacklogBytes) return;
    if (needsDrain(held.pipe)) await once(held.pipe, 'drain', { signal });
    else await sleep(2, undefined, { signal }); // not yet handed to the zip (an earlier sheet is being compressed)
  }
}

async function writeBook(book: ExcelJS.stream.xlsx.WorkbookWriter, sink: PassThrough, plan: ExportPlan, limits: XlsxLimits, signal: AbortSignal): Promise<void> {
  for (const section of plan.sections) {
    let part = 1;
    let sheet = openSheet(book, section, part);
    let rows = 1;
    let chars = 0;
    for await (const row of section.rows) {
      if (rows === limits.maxRowsPerSheet) {
        sheet.commit();
        sheet = openSheet(book, section, ++part);
        rows = 1;
      }
      const cells = section.columns.map((c) => xlsxCell(cellOf(row[c]), limits.maxCellChars));
      sheet.addRow(cells).commit();
      rows += 1;
      chars += 16 * cells.length; // a cell's XML around its value
      for (const c of cells) if (typeof c === 'string') chars += c.length;
      if (chars >= limits.checkEveryChars) {
        chars = 0;
        await pace(sheet, sink, limits, signal);
      }
    }
    sheet.commit();
  }
  await book.commit();
}

/**
 * An .xlsx workbook through exceljs's streaming writer (no shared strings, no styles: nothing
 * grows with the row count): one sheet per section named for its kind, its columns as a frozen
 * header row, one row per source row. Numbers and booleans are typed cells; text is text (never
 * a formula); lists and objects are JSON text; null is an empty cell. exceljs drops the control
 * characters XML cannot hold (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+007F), and a
 * reader sees a CR as a line feed.
 *
 * The zip is read from `sink` as this generator is read; rows are pulled only while the reader
 * keeps up (see `pace`). A row source that throws ends the generator with its error (the file is
 * then incomplete: never sent as if whole); a reader that stops early stops the writer and closes
 * the row source.
 */
export async function* encodeXlsx(plan: ExportPlan, limits: XlsxLimits = XLSX_LIMITS): AsyncGenerator<Buffer> {
  const sink = new PassThrough();
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: false, useSharedStrings: false });
  // The zip's own failures do not travel down its pipe: hand them to the reader.
  (book as unknown as { zip: NodeJS.EventEmitter }).zip.on('error', (err: Error) => sink.destroy(err));
  const stop = new AbortController();
  void writeBook(book, sink, plan, limits, stop.signal).catch((err: unknown) => {
    if (!stop.signal.aborted) sink.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  try {
    for await (const chunk of sink) yield chunk as Buffer;
  } finally {
    // Reader gone or failure: the writer stops at its next wait, leaving its row source closed.
    stop.abort();
    sink.destroy();
  }
}
