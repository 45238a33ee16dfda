/**
 * Server-sent events over fetch. The browser's EventSource cannot send an
 * X-API-Key header, and the event stream reveals more than liveness, so
 * this reads the same text/event-stream format from a fetch body instead.
 *
 * @module
 */

const MIN_RETRY_MS = 1000;
const MAX_RETRY_MS = 30000;

/**
 * Splits a text/event-stream into events.
 *
 * @param {ReadableStream<string>} lines decoded text
 * @param {(event: {type: string, data: string, id?: string}) => void} onEvent
 * @param {(retryMs: number) => void} onRetry the server's `retry:` field
 */
async function readEvents(text, onEvent, onRetry) {
  let buffer = "";
  let type = "message";
  let data = [];
  let id;
  const reader = text.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "") {
        if (data.length > 0) onEvent({ type, data: data.join("\n"), id });
        type = "message";
        data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const raw = colon < 0 ? "" : line.slice(colon + 1);
      const fieldValue = raw.startsWith(" ") ? raw.slice(1) : raw;
      if (field === "event") type = fieldValue;
      else if (field === "data") data.push(fieldValue);
      else if (field === "id") id = fieldValue;
      else if (field === "retry" && /^\d+$/.test(fieldValue)) {
        onRetry(Number(fieldValue));
      }
    }
  }
}

/**
 * Follows an event stream until `signal` aborts, reconnecting with backoff.
 *
 * @param {string} url the stream
 * @param {object} options
 * @param {() => Record<string, string>} options.headers headers per attempt
 * @param {(event: {type: string, data: string}) => void} options.onEvent
 * @param {(state: "open" | "closed" | "unauthorized") => void} options.onState
 * @param {AbortSignal} options.signal stops following
 */
export async function followEvents(url, options) {
  let retryMs = MIN_RETRY_MS;
  let lastId;
  while (!options.signal.aborted) {
    try {
      const headers = { Accept: "text/event-stream", ...options.headers() };
      if (lastId !== undefined) headers["Last-Event-ID"] = lastId;
      const response = await fetch(url, {
        headers,
        cache: "no-store",
        signal: options.signal,
      });
      if (response.status === 401) {
        options.onState("unauthorized");
        await response.body?.cancel();
        return;
      }
      if (!response.ok || !response.body) {
        throw new Error(`event stream answered ${response.status}`);
      }
      options.onState("open");
      retryMs = MIN_RETRY_MS;
      await readEvents(
        response.body.pipeThrough(new TextDecoderStream()),
        (event) => {
          if (event.id !== undefined) lastId = event.id;
          options.onEvent(event);
        },
        (ms) => (retryMs = ms),
      );
    } catch {
      // A dropped connection is retried below; the state shows it.
      if (options.signal.aborted) return;
    }
    options.onState("closed");
    await new Promise((resolve) => setTimeout(resolve, retryMs));
    retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
  }
}
