/**
 * The telemetry spool: undelivered events as JSON lines in one file, oldest
 * first. Appends go to the end; delivered and dropped lines leave from the
 * front by rewriting the rest to a temporary file renamed over the old one,
 * so a crash leaves either the old or the new buffer, never half of one.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Bytes of a line with its newline. */
export function lineBytes(line: string): number {
  return encoder.encode(line).length + 1;
}

/** A JSON-lines file of pending events. */
export class DiskBuffer {
  readonly #path: string;
  #bytes: number;

  /**
   * @param path the buffer file; its directory must exist or be creatable
   */
  constructor(path: string) {
    this.#path = path;
    this.#bytes = statSize(path);
  }

  /** The buffer file. */
  get path(): string {
    return this.#path;
  }

  /** Current size in bytes (0 when there is no file). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Every buffered line, oldest first. */
  async readLines(): Promise<string[]> {
    if (this.#bytes === 0) return [];
    let text: string;
    try {
      text = await Deno.readTextFile(this.#path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        this.#bytes = 0;
        return [];
      }
      throw error;
    }
    return text.split("\n").filter((line) => line.length > 0);
  }

  /** Adds lines at the end. */
  async append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    const text = lines.map((line) => `${line}\n`).join("");
    await ensureParent(this.#path);
    await Deno.writeTextFile(this.#path, text, { append: true });
    this.#bytes += encoder.encode(text).length;
  }

  /** Replaces the content with `lines` (removing the file when empty). */
  async replace(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) {
      await Deno.remove(this.#path).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
      this.#bytes = 0;
      return;
    }
    const text = lines.map((line) => `${line}\n`).join("");
    const temporary = `${this.#path}.tmp`;
    await Deno.writeTextFile(temporary, text);
    await Deno.rename(temporary, this.#path);
    this.#bytes = encoder.encode(text).length;
  }
}

function statSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

async function ensureParent(path: string): Promise<void> {
  const slash = path.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
}
