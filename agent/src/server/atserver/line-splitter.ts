/**
 * Cuts an inbound byte stream into command lines at `\n`. More tolerant than the reference,
 * which treats whatever is buffered when a chunk ends with `\n` as ONE command: here a merged
 * burst (`cmd1\ncmd2\n`) is two commands, answered in order.
 *
 * Lines are kept as bytes until complete, so a multi-byte UTF-8 character split across TCP
 * segments decodes correctly, and a line longer than the limit is refused as soon as the
 * limit is passed instead of being buffered to the end.
 */
export class LineTooLongError extends Error {
  constructor(limit: number) {
    super(`command is longer than ${limit} bytes`);
    this.name = 'LineTooLongError';
  }
}

const NEWLINE = 0x0a;

export class LineSplitter {
  readonly #maxLineBytes: number;
  /** Pieces of the unfinished line; none while between lines (an idle connection keeps no array). */
  #pending: Buffer[] | undefined;
  #pendingBytes = 0;

  constructor(maxLineBytes: number) {
    this.#maxLineBytes = maxLineBytes;
  }

  /** Bytes of an unfinished line held right now. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * Adds a chunk; returns the lines it completed (without `\n`). Throws LineTooLongError when
   * the unfinished line passes the limit (the splitter is then unusable: close the connection).
   */
  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) break;
      const piece = chunk.subarray(start, newline);
      if (this.#pendingBytes + piece.length > this.#maxLineBytes) throw new LineTooLongError(this.#maxLineBytes);
      if (this.#pending === undefined) {
        lines.push(piece);
      } else {
        this.#pending.push(piece);
        lines.push(Buffer.concat(this.#pending, this.#pendingBytes + piece.length));
        this.#pending = undefined;
        this.#pendingBytes = 0;
      }
      start = newline + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.#pendingBytes += rest.length;
      if (this.#pendingBytes > this.#maxLineBytes) throw new LineTooLongError(this.#maxLineBytes);
      // A copy, so a small tail does not pin the whole (up to 64 KiB) socket chunk.
      (this.#pending ??= []).push(rest.length < chunk.length / 2 ? Buffer.from(rest) : rest);
    }
    return lines;
  }
}
