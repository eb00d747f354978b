import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { WireCodec, WireError, makeMessage } from "../../kernel/src/jupyter/wire.js";

test("encode signs the four JSON frames with HMAC-SHA256; decode verifies and parses", () => {
  const codec = new WireCodec("hmac-sha256", "secret-key");
  const msg = makeMessage("comm_msg", { comm_id: "c", data: {} }, { msg_id: "p1" }, "sess", {
    identities: [Buffer.from("client-1")],
    buffers: [new Uint8Array([1, 2, 3])],
  });
  const frames = codec.encode(msg);
  assert.equal(frames[0]!.toString(), "client-1");
  assert.equal(frames[1]!.toString(), "<IDS|MSG>");
  const h = createHmac("sha256", "secret-key");
  for (const f of frames.slice(3, 7)) h.update(f);
  assert.equal(frames[2]!.toString(), h.digest("hex"));
  const back = codec.decode(frames);
  assert.equal(back.header.msg_type, "comm_msg");
  assert.equal(back.parent_header.msg_id, "p1");
  assert.deepEqual([...back.buffers[0]!], [1, 2, 3]);
  assert.deepEqual(back.identities.map(String), ["client-1"]);
});

test("decode rejects bad signatures, missing delimiters, short and non-JSON frames", () => {
  const codec = new WireCodec("hmac-sha256", "k");
  const frames = codec.encode(makeMessage("kernel_info_request", {}, undefined, "s"));
  const forged = [...frames];
  forged[1] = Buffer.from("f".repeat(64));
  assert.throws(() => codec.decode(forged), (e: unknown) => e instanceof WireError && /bad message signature/.test(e.message));
  const shortSig = [...frames];
  shortSig[1] = Buffer.from("abc");
  assert.throws(() => codec.decode(shortSig), /bad message signature/);
  assert.throws(() => codec.decode([Buffer.from("x")]), /no <IDS\|MSG> delimiter/);
  assert.throws(() => codec.decode(frames.slice(0, 4)), /expected at least 5 frames/);
  const unsigned = new WireCodec("hmac-sha256", "");
  const bad = unsigned.encode(makeMessage("x", {}, undefined, "s"));
  bad[5] = Buffer.from("{oops");
  assert.throws(() => unsigned.decode(bad), /malformed JSON frame/);
});
