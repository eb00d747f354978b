import { test } from "node:test";
import assert from "node:assert/strict";
import * as zmq from "zeromq";
import { OrderedSender } from "../../kernel/src/jupyter/ordered-sender.js";

/** A bound publisher and a subscriber that is known to receive (the slow-joiner wait is done). */
async function pair(): Promise<{ pub: zmq.Publisher; sub: zmq.Subscriber; close(): void }> {
  const pub = new zmq.Publisher({ linger: 0, sendHighWaterMark: 0 });
  await pub.bind("tcp://127.0.0.1:*");
  const sub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  sub.connect(pub.lastEndpoint!);
  sub.subscribe();
  for (;;) {
    await pub.send("probe");
    sub.receiveTimeout = 50;
    try {
      await sub.receive();
      break;
    } catch {
      // not connected yet
    }
  }
  sub.receiveTimeout = 5000;
  return { pub, sub, close: () => (pub.close(), sub.close()) };
}

/** Runs `fn` with a connected pair and an OrderedSender on the publisher that records its errors. */
async function withSender(fn: (s: { sender: OrderedSender; sub: zmq.Subscriber; errors: Error[] }) => Promise<void>): Promise<void> {
  const { pub, sub, close } = await pair();
  try {
    const errors: Error[] = [];
    await fn({ sender: new OrderedSender(pub, (e) => errors.push(e)), sub, errors });
  } finally {
    close();
  }
}

async function receiveAll(sub: zmq.Subscriber, n: number): Promise<string[]> {
  const got: string[] = [];
  while (got.length < n) {
    const [frame] = await sub.receive();
    const s = String(frame);
    if (s !== "probe") got.push(s);
  }
  return got;
}

test("zeromq.js throws EBUSY on a send behind its deferred 513th (the reason for OrderedSender)", async () => {
  const { pub, close } = await pair();
  try {
    let thrown: unknown;
    const sent: Promise<void>[] = [];
    try {
      for (let i = 0; i < 1200; i++) sent.push(pub.send(`m${i}`));
    } catch (e) {
      thrown = e;
    }
    await Promise.allSettled(sent);
    assert.equal((thrown as { code?: string } | undefined)?.code, "EBUSY");
  } finally {
    close();
  }
});

test("OrderedSender: 1500 messages sent in one synchronous burst all arrive, in order", () =>
  withSender(async ({ sender, sub, errors }) => {
    for (let i = 0; i < 1500; i++) sender.send([`m${i}`]);
    assert.ok(sender.queued > 0, "the burst went past zeromq.js's synchronous sends");
    const got = receiveAll(sub, 1500);
    await sender.settled();
    assert.equal(sender.queued, 0);
    assert.deepEqual(await got, Array.from({ length: 1500 }, (_, i) => `m${i}`));
    assert.deepEqual(errors, []);
  }));

test("OrderedSender: a send that fails for another reason is reported and the rest go on", () =>
  withSender(async ({ sender, sub, errors }) => {
    const outcomes = [
      sender.send([`a`]),
      sender.send([Symbol("x") as unknown as string]), // zeromq.js cannot send a symbol (it throws)
      sender.send([`b`]),
    ];
    const got = receiveAll(sub, 2);
    await sender.settled();
    assert.deepEqual(await got, ["a", "b"]);
    assert.equal(errors.length, 1);
    const [a, x, b] = await Promise.all(outcomes);
    assert.equal(a, undefined);
    assert.equal(x, errors[0], "the failed send's own promise gets its error");
    assert.equal(b, undefined);
  }));
