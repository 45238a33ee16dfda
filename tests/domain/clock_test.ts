import assert from "node:assert/strict";
import { RealClock, SimulatedClock } from "../../domain/clock.ts";

Deno.test("simulated sleeps started together overlap in simulated time", async () => {
  const clock = new SimulatedClock();
  const ends: number[] = [];

  await Promise.all([
    clock.sleep(25).then(() => ends.push(clock.now())),
    clock.sleep(40).then(() => ends.push(clock.now())),
  ]);

  assert.deepEqual(ends, [25, 40]);
  assert.equal(clock.pendingTimers, 0);
});

Deno.test("an aborted simulated sleep rejects with the reason and leaves no timer", async () => {
  const clock = new SimulatedClock();
  const controller = new AbortController();
  const sleeping = clock.sleep(1000, controller.signal);

  controller.abort(new Error("stop"));

  await assert.rejects(sleeping, /stop/);
  assert.equal(clock.pendingTimers, 0);
  assert.equal(clock.now(), 0);
});

Deno.test("simulated timers fire in due order, ties in the order they were set", async () => {
  const clock = new SimulatedClock(100);
  const order: string[] = [];

  clock.setTimeout(() => order.push("b"), 10);
  clock.setTimeout(() => order.push("a"), 5);
  clock.setTimeout(() => order.push("c"), 10);
  await clock.sleep(20);

  assert.deepEqual(order, ["a", "b", "c"]);
  assert.equal(clock.now(), 120);
});

Deno.test("a real-clock sleep never ends before its deadline by the clock's own reading", async () => {
  const clock = new RealClock();

  for (const delayMs of [0.4, 1.7, 3.3]) {
    const startedMs = clock.now();
    await clock.sleep(delayMs);
    assert.ok(clock.now() - startedMs >= delayMs);
  }
});
