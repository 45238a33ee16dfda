import assert from "node:assert/strict";
import { attachInspector } from "../../actors/inspector.ts";
import { startService, testConfig } from "./_service_fixture.ts";

/** What a test inspector server received. */
interface ReceivedEvent {
  type: string;
  name?: string;
  sessionId: string;
  parentId?: string;
  event?: { type: string };
  snapshot?: { value?: unknown; context?: Record<string, unknown> };
}

/** A WebSocket server on loopback that keeps every message it gets. */
function startInspectorServer() {
  const received: ReceivedEvent[] = [];
  const waiters: (() => void)[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      const { socket, response } = Deno.upgradeWebSocket(request);
      socket.onmessage = (message) => {
        received.push(JSON.parse(message.data));
        for (const wake of waiters.splice(0)) wake();
      };
      return response;
    },
  );
  return {
    url: `ws://127.0.0.1:${server.addr.port}`,
    received,
    /** Resolves once `accept` holds for the messages received so far. */
    async until(accept: (events: ReceivedEvent[]) => boolean) {
      while (!accept(received)) {
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => server.shutdown(),
  };
}

Deno.test("serve --inspect streams the supervisor's and the turret's registration, events and snapshots to the inspector", async () => {
  const server = startInspectorServer();
  const inspector = attachInspector(server.url);
  assert.equal(await inspector.opened, true);
  const dir = await Deno.makeTempDir();
  const service = await startService(testConfig(dir, 8), {
    inspect: inspector.inspect,
  });

  await service.requestHandoff(2);
  const named = (name: string) =>
    server.received.find((event) =>
      event.type === "@xstate.actor" && event.name === name
    );
  await server.until(() =>
    named("supervisor") !== undefined && named("turret") !== undefined &&
    server.received.some((event) =>
      event.type === "@xstate.event" && event.event?.type === "turret.switch"
    )
  );

  const supervisor = named("supervisor")!;
  const turret = named("turret")!;
  assert.equal(turret.parentId, supervisor.sessionId);
  const turretSnapshots = server.received.filter((event) =>
    event.type === "@xstate.snapshot" && event.sessionId === turret.sessionId
  );
  const turretStates = turretSnapshots.map((event) => event.snapshot?.value);
  assert.ok(turretStates.includes("switching"), String(turretStates));
  assert.ok(turretStates.includes("idle"), String(turretStates));
  const context = turretSnapshots.at(-1)?.snapshot?.context ?? {};
  assert.equal(context.lens, "B");
  assert.equal(context.turret, "[SimulatedTurret]");
  assert.ok(
    server.received.some((event) =>
      event.type === "@xstate.snapshot" &&
      event.sessionId === supervisor.sessionId &&
      JSON.stringify(event.snapshot?.value) === '"ready"'
    ),
  );

  inspector.stop();
  await service.stop();
  await server.close();
  await Deno.remove(dir, { recursive: true });
});

/** A clock whose timers fire only when the test says so. */
function manualClock() {
  const scheduled: { delayMs: number; fire: () => void }[] = [];
  let wake: (() => void) | undefined;
  return {
    now: () => 0,
    setTimeout(fn: () => void, delayMs: number) {
      scheduled.push({ delayMs, fire: fn });
      wake?.();
      return scheduled.length;
    },
    clearTimeout() {},
    sleep: () => Promise.resolve(),
    /** Waits for the next timer to be set and returns it. */
    async nextTimer() {
      while (scheduled.length === 0) {
        await new Promise<void>((resolve) => wake = resolve);
      }
      return scheduled.shift()!;
    },
  };
}

Deno.test("the inspector keeps events while its server is away, backs off, and sends them once it connects", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const clock = manualClock();
  const inspector = attachInspector(`ws://127.0.0.1:${port}`, {
    clock,
    reconnectMs: 100,
  });
  const dir = await Deno.makeTempDir();
  const service = await startService(testConfig(dir, 8), {
    inspect: inspector.inspect,
  });

  const first = await clock.nextTimer();
  first.fire();
  const second = await clock.nextTimer();
  assert.deepEqual([first.delayMs, second.delayMs], [100, 200]);

  const received: ReceivedEvent[] = [];
  let supervisorSeen!: () => void;
  const seen = new Promise<void>((resolve) => supervisorSeen = resolve);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => {} },
    (request) => {
      const { socket, response } = Deno.upgradeWebSocket(request);
      socket.onmessage = (message) => {
        const event = JSON.parse(message.data);
        received.push(event);
        if (event.name === "supervisor") supervisorSeen();
      };
      return response;
    },
  );
  second.fire();
  assert.equal(await inspector.opened, true);
  await seen;

  assert.equal(received[0].type, "@xstate.actor");
  inspector.stop();
  await service.stop();
  await server.shutdown();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("attachInspector refuses an address that is not a WebSocket one", () => {
  assert.throws(
    () => attachInspector("http://127.0.0.1:8181"),
    /give a WebSocket address such as ws:\/\/127\.0\.0\.1:8181/,
  );
});
