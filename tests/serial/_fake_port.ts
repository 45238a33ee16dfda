/**
 * An in-memory port for transport tests on a simulated clock: records what
 * the transport writes and lets the test answer, split, or pull the plug.
 *
 * @module
 */

import type {
  PortConnection,
  PortConnectionHandlers,
  PortOpener,
} from "../../serial/port_connection.ts";

/** A scripted device behind a fake port. */
export class FakeDevice {
  /** Lines the transport wrote, in order. */
  readonly received: string[] = [];
  /** Whether opening succeeds. */
  available = true;
  /** How many times the port was opened. */
  openCount = 0;
  /** Answers each received line; by default nothing is answered. */
  onLine: (line: string) => void = () => undefined;
  #handlers: PortConnectionHandlers | undefined;

  /** The opener to give the transport. */
  readonly opener: PortOpener = (path, _baudRate, handlers) => {
    if (!this.available) {
      return Promise.reject(new Error(`No such file or directory: ${path}`));
    }
    this.openCount++;
    this.#handlers = handlers;
    const connection: PortConnection = {
      write: (text) => {
        for (const line of text.split("\n").filter((l) => l.length > 0)) {
          this.received.push(line);
          this.onLine(line);
        }
        return Promise.resolve();
      },
      close: () => {
        this.#handlers = undefined;
        return Promise.resolve();
      },
    };
    return Promise.resolve(connection);
  };

  /** Sends raw text to the transport as one chunk. */
  send(text: string): void {
    this.#handlers?.onData(new TextEncoder().encode(text));
  }

  /** Pulls the plug: the transport hears the port is lost. */
  disconnect(): void {
    const handlers = this.#handlers;
    this.#handlers = undefined;
    handlers?.onLost(new Error("hang-up"));
  }
}
