/**
 * Typed errors of the statement engine. Whole-file problems are thrown (nothing is produced);
 * problems with single rows are collected as RowError records instead (see statement-parser.ts).
 * Tests match these by class name, never by message text. Every message says what was found
 * and what to do about it.
 */

export class StatementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The bytes are not a statement file Levee can read (binary garbage, unknown container). */
export class UnsupportedFormatError extends StatementError {}

/** The text is neither UTF-8 nor GB18030, or its encoding changes part-way through. */
export class EncodingError extends StatementError {
  constructor(
    message: string,
    readonly byteOffset: number,
  ) {
    super(message);
  }
}

/** A CSV that cannot be split into rows (unterminated quote, a single row of absurd length). */
export class CsvSyntaxError extends StatementError {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** No row within the scanned start of a sheet looks like a statement header. */
export class HeaderNotFoundError extends StatementError {
  constructor(
    message: string,
    readonly sheet: string,
    readonly missingFields: readonly string[],
    /** The row that came closest to a header, for a mapping screen to offer its columns. */
    readonly nearest?: {
      readonly line: number;
      readonly cells: readonly string[];
      readonly fingerprint: string;
    },
  ) {
    super(message);
  }
}

/** An explicit mapping or preset that does not fit the file (unknown column, missing field). */
export class MappingError extends StatementError {}

/** A workbook whose zip/OLE container ends early or is damaged. */
export class TruncatedFileError extends StatementError {}

/** A file over a reader's size cap (the legacy .xls reader holds the whole file in memory). */
export class FileTooLargeError extends StatementError {}

/** A file or sheet with no rows at all. */
export class EmptyStatementError extends StatementError {}
