/**
 * Turns a stream of text chunks into lines. A line ends at LF, CR or CRLF,
 * wherever the chunks happen to be cut; empty lines are skipped, so a CRLF
 * split between two chunks yields one line.
 *
 * @module
 */

/** Longest line kept; longer runs without a terminator are line noise. */
const MAX_LINE_CHARS = 4096;

/** Accumulates chunks and hands out complete lines. */
export class LineSplitter {
  #pending = "";
  #decoder = new TextDecoder();

  /**
   * Adds a chunk and returns the lines it completed.
   *
   * @param chunk bytes as they came off the port
   * @returns complete lines without terminators, in order
   */
  push(chunk: Uint8Array): string[] {
    this.#pending += this.#decoder.decode(chunk, { stream: true });
    const parts = this.#pending.split(/[\r\n]/);
    this.#pending = parts.pop() ?? "";
    if (this.#pending.length > MAX_LINE_CHARS) this.#pending = "";
    return parts.filter((line) => line.length > 0);
  }

  /** Forgets a partial line, e.g. after the port reconnects. */
  reset(): void {
    this.#pending = "";
    this.#decoder = new TextDecoder();
  }
}
