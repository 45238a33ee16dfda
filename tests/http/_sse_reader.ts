/**
 * Reads a `text/event-stream` body one event at a time, for tests.
 *
 * @module
 */

/** One server-sent event, or a comment line. */
export interface SseEvent {
  /** `event:` field; `message` when absent, `comment` for a `:` line. */
  event: string;
  /** `data:` lines joined with newlines. */
  data: string;
  /** `id:` field, if any. */
  id?: string;
  /** `retry:` field, if any. */
  retry?: string;
}

/** Pulls events from a response body in order. */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";

  /** @param body the response body */
  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.pipeThrough(new TextDecoderStream()).getReader();
  }

  /**
   * The next event or comment.
   *
   * @returns the event, or `null` when the stream has ended
   */
  async next(): Promise<SseEvent | null> {
    while (true) {
      const end = this.#buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        return parseBlock(block);
      }
      const { done, value } = await this.#reader.read();
      if (done) return null;
      this.#buffer += value;
    }
  }

  /**
   * Skips events until one named `event` arrives that `accept` takes.
   *
   * @param event the event name
   * @param accept a further test on the parsed data
   * @returns the parsed data of that event
   * @throws {Error} when the stream ends first
   */
  async until<T = Record<string, unknown>>(
    event: string,
    accept: (data: T) => boolean = () => true,
  ): Promise<T> {
    while (true) {
      const next = await this.next();
      if (next === null) throw new Error(`stream ended before "${event}"`);
      if (next.event !== event) continue;
      const data = JSON.parse(next.data) as T;
      if (accept(data)) return data;
    }
  }

  /** Stops reading and releases the body. */
  async cancel(): Promise<void> {
    await this.#reader.cancel();
  }
}

function parseBlock(block: string): SseEvent {
  if (block.startsWith(":")) {
    return { event: "comment", data: block.slice(1).trim() };
  }
  const parsed: SseEvent = { event: "message", data: "" };
  const data: string[] = [];
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    const field = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, "");
    if (field === "data") data.push(value);
    else if (field === "event") parsed.event = value;
    else if (field === "id") parsed.id = value;
    else if (field === "retry") parsed.retry = value;
  }
  parsed.data = data.join("\n");
  return parsed;
}
