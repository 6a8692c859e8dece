/**
 * parseFrame()'s shortcut for the plain request (`{"type":"req","id":…,"method":…,"params":{}}`)
 * and its short-text nesting scan answer exactly what the general path answers.
 */
import assert from "node:assert/strict";
import { parseFrame } from "../../../lib/protocol/frames.ts";

/**
 * What parseFrame answers when it runs JSON.parse and the request checks itself: padding past
 * the 4,096-character short scan, outside the JSON value, forces the long scan, and whitespace
 * keeps the text from matching the plain-request shortcut.
 */
function general(text: string): string {
  return comparable(parseFrame(" ".repeat(5000) + text));
}

/** The answer as text, without JSON.parse's error positions (the padding shifts them). */
function comparable(result: unknown): string {
  return JSON.stringify(result).replace(/not valid JSON \(.*?"/, 'not valid JSON"');
}

Deno.test("parseFrame() answers a plain request as JSON.parse would", () => {
  for (
    const text of [
      '{"type":"req","id":"1","method":"health","params":{}}',
      '{"type":"req","id":"abc-9","method":"config.get"}',
      '{"type":"req","id":"é☃","method":"héalth","params":{}}',
      '{"type":"req","id":"__proto__","method":"constructor","params":{}}',
    ]
  ) {
    const got = parseFrame(text);
    assert.deepEqual(got, { ok: true, frame: JSON.parse(text) });
    assert.equal(comparable(got), general(text), text);
  }
});

Deno.test("parseFrame() sends near-plain requests the general way, with the same answers", () => {
  for (
    const text of [
      '{"type":"req","id":"","method":"health","params":{}}', // empty id: refused
      '{"type":"req","id":"1","method":"","params":{}}', // empty method: refused
      '{"type":"req","id":"a\\"b","method":"health","params":{}}', // escaped quote
      '{"type":"req","id":"1","method":"health","params":{"probe":true}}',
      '{"type":"req","id":"1","method":"health","params":{},"x":1}', // unknown key
      '{"type":"req","id":"1\u0001","method":"health","params":{}}', // raw control character
      '{"id":"1","type":"req","method":"health","params":{}}', // other key order
    ]
  ) {
    assert.equal(comparable(parseFrame(text)), general(text), text);
  }
});

Deno.test("parseFrame() measures nesting the same in short and long frames", () => {
  const deep = (n: number) =>
    '{"type":"req","id":"1","method":"m","params":' + "[".repeat(n) +
    "]".repeat(n) + "}";
  for (
    const text of [
      deep(62), // 63 levels with the frame itself: accepted
      deep(64), // 65: refused
      '{"type":"req","id":"1","method":"m","params":{"s":"' + "[".repeat(100) + '"}}',
      '{"type":"req","id":"1","method":"m","params":{"s":"\\\\","t":' + "[".repeat(70) +
      "]".repeat(70) + "}}",
      '{"type":"req","id":"1","method":"m","params":{"s":"\\"' + "[".repeat(70) + '"}}',
      '{"type":"req","id":"1","method":"m","params":"unterminated ' + "[".repeat(70),
    ]
  ) {
    assert.equal(comparable(parseFrame(text)), general(text), text);
  }
  assert.match(String((parseFrame(deep(64)) as { error: string }).error), /nested deeper than 64/);
});
