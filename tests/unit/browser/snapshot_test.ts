import assert from "node:assert/strict";
import { type AxNode, renderAxSnapshot } from "../../../lib/browser/snapshot.ts";

const v = (value: string) => ({ value });
const TREE: AxNode[] = [
  {
    nodeId: "1",
    role: v("RootWebArea"),
    name: v("Lobster Page"),
    childIds: ["2", "3", "4", "7"],
    backendDOMNodeId: 1,
  },
  { nodeId: "2", role: v("heading"), name: v("Hello"), childIds: ["2a"], backendDOMNodeId: 2 },
  { nodeId: "2a", role: v("StaticText"), name: v("Hello"), childIds: ["2b"] },
  { nodeId: "2b", role: v("InlineTextBox"), name: v("Hello") },
  { nodeId: "3", role: v("generic"), name: v(""), childIds: ["3a"], backendDOMNodeId: 3 },
  { nodeId: "3a", role: v("StaticText"), name: v("Some   text") },
  { nodeId: "4", role: v("link"), name: v('Say "hi"'), childIds: [], backendDOMNodeId: 4 },
  { nodeId: "7", role: v("textbox"), name: v("Query"), value: v("abc"), backendDOMNodeId: 7 },
];

Deno.test("renderAxSnapshot() outlines the page with refs on interactive and named content nodes", () => {
  const snap = renderAxSnapshot(TREE);
  assert.equal(
    snap.text,
    [
      '- document "Lobster Page"',
      '  - heading "Hello" [ref=e1]',
      '  - text "Some text"',
      '  - link "Say \\"hi\\"" [ref=e2]',
      '  - textbox "Query" [ref=e3] value="abc"',
    ].join("\n"),
  );
  assert.deepEqual([...snap.refs.keys()], ["e1", "e2", "e3"]);
  assert.deepEqual(snap.refs.get("e2"), { role: "link", name: 'Say "hi"', backendNodeId: 4 });
  assert.equal(snap.interactive, 2);
  assert.equal(snap.truncated, false);
});

Deno.test("renderAxSnapshot() keeps only interactive elements when asked", () => {
  const snap = renderAxSnapshot(TREE, { interactiveOnly: true });
  assert.equal(
    snap.text,
    ['    - link "Say \\"hi\\"" [ref=e1]', '    - textbox "Query" [ref=e2] value="abc"'].map((l) =>
      l.trimStart()
    ).join("\n"),
  );
});

Deno.test("renderAxSnapshot() stops at maxChars and says so", () => {
  const many: AxNode[] = [{ nodeId: "r", role: v("RootWebArea"), name: v("Big"), childIds: [] }];
  for (let i = 0; i < 500; i++) {
    many[0].childIds!.push(`l${i}`);
    many.push({
      nodeId: `l${i}`,
      role: v("link"),
      name: v(`Link number ${i}`),
      backendDOMNodeId: i + 10,
    });
  }
  const snap = renderAxSnapshot(many, { maxChars: 1_000 });
  assert.equal(snap.truncated, true);
  assert.ok(snap.text.length < 1_200, String(snap.text.length));
  assert.match(snap.text, /snapshot cut at 1000 characters/);
  // Every ref shown is resolvable, and none that was cut off.
  const shown = [...snap.text.matchAll(/\[ref=(e\d+)\]/g)].map((m) => m[1]);
  assert.deepEqual(shown, [...snap.refs.keys()]);
});
