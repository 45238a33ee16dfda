/** What the collector received in one request. */
export interface ReceivedBatch {
  apiKey: string | null;
  scanner: string | null;
  events: Record<string, unknown>[];
}

/**
 * A telemetry endpoint on loopback that can answer 503 or go away
 * entirely and come back on the same port.
 */
export class Collector {
  readonly batches: ReceivedBatch[] = [];
  requests = 0;
  failWith: number | null = null;
  #server: Deno.HttpServer<Deno.NetAddr> | null = null;
  #port = 0;

  /** Starts listening (again) on 127.0.0.1. */
  start(): void {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: this.#port, onListen() {} },
      async (request) => {
        this.requests++;
        const body = await request.json();
        if (this.failWith !== null) {
          return new Response("unavailable", { status: this.failWith });
        }
        this.batches.push({
          apiKey: request.headers.get("x-api-key"),
          scanner: body.scanner,
          events: body.events,
        });
        return new Response(null, { status: 204 });
      },
    );
    this.#port = this.#server.addr.port;
  }

  /** Stops listening; requests are refused until {@linkcode start}. */
  async stop(): Promise<void> {
    await this.#server?.shutdown();
    this.#server = null;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/telemetry`;
  }

  /** Every event received, in arrival order. */
  get events(): Record<string, unknown>[] {
    return this.batches.flatMap((batch) => batch.events);
  }
}
