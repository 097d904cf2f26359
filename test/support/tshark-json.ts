/** tshark's `-T json` read as tshark writes it: an object may hold the same key twice (`ip.addr`,
 *  `tcp.port`), so a pair list keeps every key in order, with each pair's place in the text (for
 *  byte identity). Plus the flattening the coverage measure counts: one item per leaf value. */

/** One `"key": value` pair; `value` is a string leaf or the pairs of an object. `start`/`end`:
 *  the pair's span in the source text (from the key's opening quote to the value's end). */
export interface JsonPair { key: string; value: string | JsonPair[]; start: number; end: number }

/** One frame of a `-T json` array: its exact text, its frame number and its layers. */
export interface JsonFrame { number: number; text: string; layers: JsonPair[] }

/** Parses a JSON document whose objects are kept as pair lists; arrays become pairs keyed by
 *  their index (tshark 4.0 writes none without `--no-duplicate-keys`). Throws on bad syntax. */
export function parseJsonPairs(text: string): { root: string | JsonPair[]; start: number; end: number } {
  let at = 0, nextBs = 0;
  // Indentation comes in runs (tshark indents by two per level): a sticky regex skips a run at once.
  const WS = /[ \n\r\t]*/y;
  const ws = (): void => {
    const c = text.charCodeAt(at);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
    WS.lastIndex = at;
    WS.test(text);
    at = WS.lastIndex;
  };
  const fail = (what: string): never => { throw new Error(`JSON: ${what} at offset ${at}`); };
  const str = (): string => {
    const from = at;
    // Fast path: no backslash before the closing quote.
    const close = text.indexOf('"', from + 1);
    if (close < 0) fail("unterminated string");
    // The next backslash, found once per backslash (not once per string).
    if (nextBs >= 0 && nextBs <= from) nextBs = text.indexOf("\\", from + 1);
    if (nextBs < 0 || nextBs > close) { at = close + 1; return text.slice(from + 1, close); }
    at++;
    for (;;) {
      const c = text.charCodeAt(at);
      if (Number.isNaN(c)) fail("unterminated string");
      if (c === 92) { at += 2; continue; }
      at++;
      if (c === 34) break;
    }
    return JSON.parse(text.slice(from, at)) as string;
  };
  const value = (): string | JsonPair[] => {
    ws();
    const c = text.charCodeAt(at);
    if (c === 34) return str();
    if (c === 123 || c === 91) {
      const close = c === 123 ? 125 : 93;
      at++;
      const out: JsonPair[] = [];
      ws();
      if (text.charCodeAt(at) === close) { at++; return out; }
      for (let i = 0; ; i++) {
        ws();
        const start = at;
        let key = String(i);
        if (close === 125) {
          if (text.charCodeAt(at) !== 34) fail("expected a key");
          key = str();
          ws();
          if (text.charCodeAt(at) !== 58) fail("expected ':'");
          at++;
        }
        const v = value();
        out.push({ key, value: v, start, end: at });
        ws();
        const n = text.charCodeAt(at++);
        if (n === close) return out;
        if (n !== 44) fail("expected ',' or a closing bracket");
      }
    }
    // Numbers, true, false, null: kept as their text.
    const m = /^-?[0-9][0-9.eE+-]*|^true|^false|^null/.exec(text.slice(at, at + 40));
    if (m === null) return fail("unexpected character");
    at += m[0].length;
    return m[0];
  };
  ws();
  const start = at;
  const root = value();
  const end = at;
  ws();
  if (at !== text.length) fail("trailing text");
  return { root, start, end };
}

/** The pairs under `key` in `pairs` (first match), or undefined. */
export function child(pairs: readonly JsonPair[], key: string): JsonPair[] | undefined {
  for (const p of pairs) if (p.key === key && typeof p.value !== "string") return p.value;
  return undefined;
}

/** A `-T json` document → its frames (text exactly as written, layers without `drop` layers cut
 *  out of the text: synack's own `synack` layer is not tshark's). */
export function jsonFrames(text: string, drop: readonly string[] = []): JsonFrame[] {
  if (text.trim() === "") return [];
  const { root } = parseJsonPairs(text);
  if (typeof root === "string") throw new Error("JSON: not an array");
  const out: JsonFrame[] = [];
  for (const pkt of root) {
    if (typeof pkt.value === "string") throw new Error("JSON: a frame is not an object");
    const layersPair = child(pkt.value, "_source")?.find((p) => p.key === "layers");
    const layers = layersPair !== undefined && typeof layersPair.value !== "string" ? layersPair.value : [];
    const num = Number(leafOf(child(layers, "frame") ?? [], "frame.number") ?? NaN);
    let frameText = text.slice(pkt.start, pkt.end);
    const kept: JsonPair[] = [];
    // Cut dropped layers, last first so offsets stay valid: from the end of the pair before (its
    // "," and line break) to the dropped pair's end; a first pair takes the separator after it.
    const cuts: Array<[number, number]> = [];
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      if (!drop.includes(l.key)) { kept.push(l); continue; }
      const prev = layers[i - 1], next = layers[i + 1];
      if (prev !== undefined) cuts.push([prev.end, l.end]);
      else if (next !== undefined) cuts.push([l.start, next.start]);
      else cuts.push([l.start, l.end]);
    }
    for (const [a, b] of cuts.reverse()) frameText = frameText.slice(0, a - pkt.start) + frameText.slice(b - pkt.start);
    out.push({ number: num, text: frameText, layers: kept });
  }
  return out;
}

function leafOf(pairs: readonly JsonPair[], key: string): string | undefined {
  for (const p of pairs) if (p.key === key && typeof p.value === "string") return p.value;
  return undefined;
}

/** One leaf value of a frame: the top-level layer it is under, its key (a field name, or an
 *  expert's), which occurrence of that key in the frame it is (0-based, document order), its value. */
export interface JsonItem { layer: string; field: string; occurrence: number; value: string }

/** Every leaf of a frame's layers, in document order. Containers (`tcp.flags_tree`, `_ws.expert`,
 *  text-only nodes such as `Timestamps`) are not items; their leaves are. */
export function frameItems(layers: readonly JsonPair[]): JsonItem[] {
  const out: JsonItem[] = [];
  const seen = new Map<string, number>();
  const walk = (layer: string, pairs: readonly JsonPair[]): void => {
    for (const p of pairs) {
      if (typeof p.value !== "string") { walk(layer, p.value); continue; }
      const k = seen.get(p.key) ?? 0;
      seen.set(p.key, k + 1);
      out.push({ layer, field: p.key, occurrence: k, value: p.value });
    }
  };
  for (const l of layers) {
    if (typeof l.value === "string") {
      // A layer with a value only (tshark: "frame.comment"-like leaves at the top): its own item.
      const k = seen.get(l.key) ?? 0;
      seen.set(l.key, k + 1);
      out.push({ layer: l.key, field: l.key, occurrence: k, value: l.value });
    } else walk(l.key, l.value);
  }
  return out;
}
