/**
 * File-reading adapters around the pure statement engine (src/engines/statement does no I/O;
 * this is where files are opened). Each reader streams a file's rows into a StatementParser and returns its dry-run result with the file's
 * SHA-256. The format is decided by the file's first bytes, not its name:
 *
 *   PK\x03\x04        .xlsx  exceljs streaming WorkbookReader, one row at a time
 *   D0 CF 11 E0 …     .xls   SheetJS (whole file in memory, so capped: legacy files are small)
 *   "<" (HTML/XML)    .xls   many banks' ".xls" is an HTML table; SheetJS reads it (capped)
 *   other text        .csv   encoding detected, decoded and tokenized chunk by chunk
 *
 * Garbage is refused early and cheaply: binary bytes on the first chunk, no header within the
 * first rows, or a "row" of more than 1 MiB; the read stops there instead of reading on.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import ExcelJS from 'exceljs';
import * as XLSX from 'xlsx';
import { CsvTokenizer } from '../../engines/statement/csv-tokenizer.js';
import {
  ChunkDecoder,
  detectEncoding,
  type EncodingGuess,
  type TextEncodingName,
} from '../../engines/statement/encoding.js';
import {
  EmptyStatementError,
  FileTooLargeError,
  StatementError,
  TruncatedFileError,
  UnsupportedFormatError,
} from '../../engines/statement/errors.js';
import type { Cell } from '../../engines/statement/fields.js';
import {
  type ParserOptions,
  type StatementResult,
  StatementParser,
} from '../../engines/statement/statement-parser.js';
import { realignWorkbookReader } from './xlsx-utf8-realign.js';

export interface ReadStatementOptions extends ParserOptions {
  /** CSV text encoding; 'auto' (default) detects UTF-8 or GB18030. */
  readonly encoding?: 'auto' | TextEncodingName;
  /** Largest .xls (or HTML-as-.xls) file accepted; default 64 MiB. */
  readonly maxInMemoryBytes?: number;
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export type FileKind = 'xlsx' | 'xls' | 'html' | 'csv';

export function sniffFormat(head: Uint8Array): FileKind {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) return 'xls';
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09))
    i++;
  if (head[i] === 0x3c) return 'html';
  return 'csv';
}

const CHUNK = 1 << 20;

export async function readStatementFile(
  path: string,
  options: ReadStatementOptions = {},
): Promise<StatementResult> {
  const { size } = await stat(path);
  const handle = await open(path, 'r');
  const head = new Uint8Array(8);
  try {
    await handle.read(head, 0, 8, 0);
  } finally {
    await handle.close();
  }
  if (size === 0) {
    throw new EmptyStatementError(`${basename(path)} is an empty file (0 bytes)`);
  }
  const kind = sniffFormat(head);
  switch (kind) {
    case 'xlsx':
      return readXlsx(path, size, options);
    case 'xls':
    case 'html':
      return readWithSheetJs(path, size, kind, options);
    default:
      return readCsv(path, size, options);
  }
}

async function readCsv(path: string, size: number, options: ReadStatementOptions): Promise<StatementResult> {
  const parser = new StatementParser(options);
  const hash = createHash('sha256');
  const tokenizer = new CsvTokenizer();
  const name = basename(path);
  parser.beginSheet(name, { strictWidth: true });
  let decoder: ChunkDecoder | undefined;
  let bytes = 0;
  let givenUp = false;
  const sink = (cells: string[], line: number) => {
    if (!givenUp && !parser.row(cells, line)) givenUp = true;
  };
  const stream = createReadStream(path, { highWaterMark: CHUNK });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    options.onProgress?.(bytes, size);
    if (decoder === undefined) decoder = new ChunkDecoder(chooseEncoding(chunk, options.encoding));
    tokenizer.push(decoder.decode(chunk), sink);
    if (givenUp) break; // no header in the first rows: stop reading, finish() explains
  }
  if (!givenUp && decoder) tokenizer.push(decoder.decode(new Uint8Array(0), true), sink);
  if (!givenUp) tokenizer.end(sink);
  parser.endSheet();
  return parser.finish({
    fileName: name,
    ...(givenUp ? {} : { fileSha256: hash.digest('hex') }),
    bytes: size,
    format: 'csv',
    ...(decoder ? { encoding: decoder.guess.encoding } : {}),
    delimiter: tokenizer.delimiterChar,
  });
}

function chooseEncoding(first: Uint8Array, wanted: ReadStatementOptions['encoding']): EncodingGuess {
  const guess = detectEncoding(first.subarray(0, 65_536));
  if (wanted === undefined || wanted === 'auto') return guess;
  return { encoding: wanted, bomBytes: guess.encoding === wanted ? guess.bomBytes : 0 };
}

/** SHA-256 of a whole file, streamed (a second pass for the formats whose readers stop early). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>)
    hash.update(chunk);
  return hash.digest('hex');
}

interface StreamingWorkbook {
  properties?: { model?: { date1904?: boolean } };
  [Symbol.asyncIterator](): AsyncGenerator<
    AsyncIterable<{ number: number; values: unknown }> & { name?: string; id?: number }
  >;
}

async function readXlsx(path: string, size: number, options: ReadStatementOptions): Promise<StatementResult> {
  const parser = new StatementParser(options);
  const stream = createReadStream(path, { highWaterMark: CHUNK });
  let bytes = 0;
  stream.on('data', (chunk) => {
    bytes += chunk.length;
    options.onProgress?.(bytes, size);
  });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  }) as unknown as StreamingWorkbook;
  realignWorkbookReader(reader);
  let sheets = 0;
  try {
    for await (const worksheet of reader) {
      sheets++;
      parser.beginSheet(worksheet.name ?? `Sheet${worksheet.id ?? sheets}`, {
        date1904: reader.properties?.model?.date1904 === true,
      });
      for await (const row of worksheet) {
        if (parser.sheetGivenUp) continue; // the rows must still be drained from the zip
        parser.row(xlsxCells(row.values), row.number);
      }
      parser.endSheet();
    }
  } catch (error) {
    stream.destroy();
    if (error instanceof StatementError) throw error;
    throw new TruncatedFileError(
      `${basename(path)} is not a readable .xlsx workbook (${(error as Error).message}): ` +
        'the file is cut off or damaged; export it again',
    );
  }
  if (bytes < size) {
    stream.destroy();
    throw new TruncatedFileError(
      `${basename(path)} ended after ${bytes} of ${size} bytes were read: the workbook is damaged`,
    );
  }
  if (sheets === 0)
    throw new UnsupportedFormatError(
      `${basename(path)} is a zip file without worksheets, not an .xlsx workbook`,
    );
  return parser.finish({
    fileName: basename(path),
    fileSha256: await sha256File(path),
    bytes: size,
    format: 'xlsx',
  });
}

/** exceljs row values (1-based, sparse, rich objects) → plain cells. */
function xlsxCells(values: unknown): Cell[] {
  if (!Array.isArray(values)) return [];
  const out: Cell[] = new Array(Math.max(0, values.length - 1));
  for (let i = 1; i < values.length; i++) out[i - 1] = plainCell(values[i]);
  return out;
}

function plainCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o['richText']))
      return (o['richText'] as { text?: string }[]).map((r) => r.text ?? '').join('');
    if ('result' in o) return plainCell(o['result']);
    if (typeof o['text'] === 'string') return o['text'];
    if (typeof o['error'] === 'string') return o['error'];
  }
  return String(v);
}

async function readWithSheetJs(
  path: string,
  size: number,
  kind: 'xls' | 'html',
  options: ReadStatementOptions,
): Promise<StatementResult> {
  const cap = options.maxInMemoryBytes ?? 64 * 1024 * 1024;
  const what = kind === 'xls' ? 'legacy .xls workbook' : 'HTML table (".xls" as many banks export it)';
  if (size > cap)
    throw new FileTooLargeError(
      `${basename(path)} is a ${what} of ${size} bytes; such files are read whole, up to ${cap} bytes. ` +
        'Save it as .xlsx or CSV, which are streamed.',
    );
  const buffer = await readFile(path);
  options.onProgress?.(size, size);
  let workbook: XLSX.WorkBook;
  try {
    workbook = XLSX.read(buffer, { type: 'buffer', cellDates: false, cellFormula: false, cellStyles: false });
  } catch (error) {
    throw new TruncatedFileError(
      `${basename(path)} is not a readable ${what} (${(error as Error).message}); export it again`,
    );
  }
  const parser = new StatementParser(options);
  const date1904 = workbook.Workbook?.WBProps?.date1904 === true;
  for (const name of workbook.SheetNames) {
    const sheet = workbook.Sheets[name];
    parser.beginSheet(name, { date1904 });
    if (!sheet?.['!ref']) {
      parser.endSheet();
      continue;
    }
    const start = XLSX.utils.decode_range(sheet['!ref']).s.r;
    const rows = XLSX.utils.sheet_to_json<Cell[]>(sheet, {
      header: 1,
      raw: true,
      defval: null,
      blankrows: true,
    });
    for (let i = 0; i < rows.length; i++) {
      if (!parser.row(rows[i] ?? [], start + i + 1)) break;
    }
    parser.endSheet();
  }
  return parser.finish({
    fileName: basename(path),
    fileSha256: createHash('sha256').update(buffer).digest('hex'),
    bytes: size,
    format: kind,
  });
}
