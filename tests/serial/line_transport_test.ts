import assert from "node:assert/strict";
import { SimulatedClock } from "../../domain/clock.ts";
import {
  DeviceDisconnectedError,
  DeviceFaultError,
  DeviceTimeoutError,
} from "../../drivers/errors.ts";
import {
  type ConnectionStateChange,
  LineTransport,
  type LineTransportOptions,
} from "../../serial/line_transport.ts";
import { FakeDevice } from "./_fake_port.ts";
import { rejectionOf } from "./_helpers.ts";

const OK = /^OK$/;

interface Rig {
  clock: SimulatedClock;
  device: FakeDevice;
  transport: LineTransport;
  log: string[];
  unsolicited: string[];
  states: ConnectionStateChange[];
}

async function rig(options: Partial<LineTransportOptions> = {}): Promise<Rig> {
  const clock = new SimulatedClock();
  const device = new FakeDevice();
  const log: string[] = [];
  const unsolicited: string[] = [];
  const states: ConnectionStateChange[] = [];
  const transport = new LineTransport({
    device: "illumination",
    path: "/dev/ttyFAKE0",
    baudRate: 115200,
    clock,
    openPort: device.opener,
    log: (line) => log.push(line),
    onUnsolicited: (line) => unsolicited.push(line),
    portSetting: "hardware.illumination.port",
    ...options,
  });
  transport.onStateChange((change) => states.push(change));
  await transport.open();
  return { clock, device, transport, log, unsolicited, states };
}

function answerAfter(r: Rig, delayMs: number, text: string): void {
  r.clock.setTimeout(() => r.device.send(text), delayMs);
}

Deno.test("a request resolves with its reply and logs the traffic", async () => {
  const r = await rig();
  r.device.onLine = () => answerAfter(r, 1, "128\r\n");

  const reply = await r.transport.request("BRIGHT?", {
    reply: /^\d+$/,
    timeoutMs: 100,
  });

  assert.equal(reply, "128");
  assert.deepEqual(r.device.received, ["BRIGHT?"]);
  assert.deepEqual(r.log, ["--> BRIGHT?", "<-- 128"]);
  await r.transport.close();
  assert.equal(r.clock.pendingTimers, 0);
});

Deno.test("a reply split over two chunks 50 ms apart is joined", async () => {
  const r = await rig();
  r.device.onLine = () => {
    answerAfter(r, 1, "CO");
    answerAfter(r, 51, "MPLETE\r\n");
  };

  const reply = await r.transport.request("SWITCH_LENS_B", {
    reply: /^COMPLETE$/,
    timeoutMs: 200,
  });

  assert.equal(reply, "COMPLETE");
  await r.transport.close();
});

Deno.test("a second reply in the same chunk does not answer the next command", async () => {
  const r = await rig();
  r.device.onLine = (line) => {
    if (line === "BRIGHT 10") answerAfter(r, 1, "OK\nOK\n");
    if (line === "BRIGHT 20") answerAfter(r, 5, "OK\n");
  };

  await r.transport.request("BRIGHT 10", { reply: OK, timeoutMs: 100 });
  const startMs = r.clock.now();
  await r.transport.request("BRIGHT 20", { reply: OK, timeoutMs: 100 });

  assert.equal(r.clock.now() - startMs, 5);
  assert.deepEqual(r.unsolicited, ["OK"]);
  await r.transport.close();
});

Deno.test("an unsolicited line before the reply goes to onUnsolicited", async () => {
  const r = await rig();
  r.device.onLine = () => answerAfter(r, 1, "# temperature 22.4 C\r\nOK\r\n");

  const reply = await r.transport.request("INIT", { reply: OK, timeoutMs: 50 });

  assert.equal(reply, "OK");
  assert.deepEqual(r.unsolicited, ["# temperature 22.4 C"]);
  await r.transport.close();
});

Deno.test("an echoed command is dropped, not taken for the reply", async () => {
  const r = await rig();
  r.device.onLine = (line) => answerAfter(r, 1, `${line}\r\nREADY\r\n`);

  const reply = await r.transport.request("MOV?", {
    reply: (line) => line !== "",
    timeoutMs: 50,
  });

  assert.equal(reply, "READY");
  assert.deepEqual(r.unsolicited, []);
  assert.ok(r.log.includes("<-- MOV? (echo)"));
  await r.transport.close();
});

Deno.test("a fault reply rejects with DeviceFaultError carrying the reply", async () => {
  const r = await rig();
  r.device.onLine = () => answerAfter(r, 1, "ERROR\n");

  const error = await rejectionOf(
    r.transport.request("MOV?", { reply: /^READY$/, timeoutMs: 50 }),
    DeviceFaultError,
  );

  assert.equal(error.reply, "ERROR");
  assert.equal(error.device, "illumination");
  assert.match(error.message, /\/dev\/ttyFAKE0 answered "ERROR" to MOV\?/);
  await r.transport.close();
});

Deno.test("a silent device times out and the next command still gets its own reply", async () => {
  const r = await rig();
  let silent = true;
  r.device.onLine = (line) => {
    if (silent) return;
    answerAfter(r, 2, `${line === "BRIGHT?" ? "77" : "OK"}\n`);
  };

  const timeout = await rejectionOf(
    r.transport.request("BRIGHT 77", { reply: OK, timeoutMs: 100 }),
    DeviceTimeoutError,
  );
  assert.equal(timeout.timeoutMs, 100);
  assert.match(timeout.message, /did not answer BRIGHT 77 within 100 ms/);

  silent = false;
  r.device.send("OK\n");
  const reply = await r.transport.request("BRIGHT?", {
    reply: /^\d+$/,
    timeoutMs: 100,
  });

  assert.equal(reply, "77");
  assert.deepEqual(r.unsolicited, ["OK"]);
  await r.transport.close();
});

Deno.test("a late reply that arrives after the next command was sent is dropped", async () => {
  const r = await rig({ resyncQuietMs: 20 });
  r.device.onLine = (line) => {
    if (line === "INIT") answerAfter(r, 110, "OK\n");
    else answerAfter(r, 30, "OK\n");
  };

  await rejectionOf(
    r.transport.request("INIT", { reply: OK, timeoutMs: 100 }),
    DeviceTimeoutError,
  );
  const startMs = r.clock.now();
  await r.transport.request("BRIGHT 5", { reply: OK, timeoutMs: 100 });

  assert.equal(r.clock.now() - startMs, 50);
  assert.deepEqual(r.unsolicited, ["OK"]);
  await r.transport.close();
});

Deno.test("commands are sent one at a time, in order", async () => {
  const r = await rig();
  r.device.onLine = () => answerAfter(r, 10, "OK\n");

  const first = r.transport.request("BRIGHT 1", { reply: OK, timeoutMs: 50 });
  const second = r.transport.request("BRIGHT 2", { reply: OK, timeoutMs: 50 });
  await Promise.resolve();
  assert.deepEqual(r.device.received, ["BRIGHT 1"]);

  await Promise.all([first, second]);
  assert.deepEqual(r.device.received, ["BRIGHT 1", "BRIGHT 2"]);
  assert.equal(r.clock.now(), 20);
  await r.transport.close();
});

Deno.test("a command without reply resolves once written", async () => {
  const r = await rig();

  await r.transport.send("PREC 0.01");

  assert.deepEqual(r.device.received, ["PREC 0.01"]);
  assert.equal(r.clock.now(), 0);
  await r.transport.close();
});

Deno.test("an aborted command rejects with the signal's reason and a queued one is never sent", async () => {
  const r = await rig();
  const controller = new AbortController();
  r.device.onLine = () => answerAfter(r, 10, "OK\n");

  const first = r.transport.request("BRIGHT 1", {
    reply: OK,
    timeoutMs: 50,
    signal: controller.signal,
  });
  const queued = r.transport.request("BRIGHT 2", {
    reply: OK,
    timeoutMs: 50,
    signal: controller.signal,
  });
  const outcomes = Promise.allSettled([first, queued]);
  await Promise.resolve();
  controller.abort(new Error("handoff aborted"));

  const [a, b] = await outcomes;
  assert.equal(a.status, "rejected");
  assert.equal(b.status, "rejected");
  assert.equal((a as PromiseRejectedResult).reason.message, "handoff aborted");
  assert.deepEqual(r.device.received, ["BRIGHT 1"]);
  await r.transport.close();
});

Deno.test("a port lost mid-command rejects it as disconnected and reconnects with backoff", async () => {
  const r = await rig({ backoff: { initialDelayMs: 50, maxDelayMs: 400 } });
  r.device.onLine = () => r.clock.setTimeout(() => r.device.disconnect(), 5);

  const error = await rejectionOf(
    r.transport.request("SWITCH_LENS_B", {
      reply: /^COMPLETE$/,
      timeoutMs: 500,
    }),
    DeviceDisconnectedError,
  );
  assert.match(error.message, /\/dev\/ttyFAKE0 went away/);
  assert.equal(r.transport.state, "disconnected");
  const early = await rejectionOf(
    r.transport.request("INIT", { reply: OK, timeoutMs: 50 }),
    DeviceDisconnectedError,
  );
  assert.match(early.message, /is disconnected/);

  r.device.available = false;
  await r.clock.sleep(50 + 100 + 200 - 1);
  r.device.available = true;
  await r.clock.sleep(10);

  assert.equal(r.transport.state, "connected");
  assert.deepEqual(
    r.states.slice(2).map((s) => [s.state, s.retryInMs]),
    [
      ["disconnected", 50],
      ["connecting", undefined],
      ["disconnected", 100],
      ["connecting", undefined],
      ["disconnected", 200],
      ["connecting", undefined],
      ["connected", undefined],
    ],
  );
  r.device.onLine = () => answerAfter(r, 1, "OK\n");
  assert.equal(
    await r.transport.request("INIT", { reply: OK, timeoutMs: 50 }),
    "OK",
  );
  await r.transport.close();
  assert.equal(r.clock.pendingTimers, 0);
});

Deno.test("closing the transport fails pending commands and stops reconnecting", async () => {
  const r = await rig();
  const pending = rejectionOf(
    r.transport.request("INIT", { reply: OK, timeoutMs: 1000 }),
    DeviceDisconnectedError,
  );
  await Promise.resolve();
  r.device.disconnect();
  await pending;

  await Promise.all([r.transport.close(), r.transport.close()]);

  assert.equal(r.transport.state, "closed");
  assert.equal(r.clock.pendingTimers, 0);
  await rejectionOf(r.transport.send("INIT"), DeviceDisconnectedError);
});

Deno.test("a port that cannot be opened names the port and the setting to check", async () => {
  const device = new FakeDevice();
  device.available = false;
  const transport = new LineTransport({
    device: "turret",
    path: "/dev/ttyUSB0",
    baudRate: 115200,
    clock: new SimulatedClock(),
    openPort: device.opener,
    portSetting: "hardware.lens_turret.port",
  });

  const error = await rejectionOf(transport.open(), DeviceDisconnectedError);

  assert.match(error.message, /Cannot open the turret port \/dev\/ttyUSB0/);
  assert.match(error.message, /hardware\.lens_turret\.port/);
  await transport.close();
});

Deno.test("open() during reconnection tries at once and keeps retrying in the background when it fails", async () => {
  const r = await rig({ backoff: { initialDelayMs: 100, maxDelayMs: 100 } });
  r.device.available = false;
  r.device.disconnect();

  await rejectionOf(r.transport.open(), DeviceDisconnectedError);
  assert.equal(r.clock.now(), 0);
  assert.equal(r.transport.state, "disconnected");

  r.device.available = true;
  await r.clock.sleep(100);
  assert.equal(r.transport.state, "connected");
  await r.transport.close();
  assert.equal(r.clock.pendingTimers, 0);
});
