/** A tiny XML well-formedness checker for the SVG tests: elements nest and close, attributes are
 *  quoted and not repeated, `&` starts a known entity, `<` never appears in text or attributes,
 *  exactly one root element. Returns the problem, or undefined when the text is well-formed. */
export function xmlProblem(text: string): string | undefined {
  let i = 0;
  const stack: string[] = [];
  let roots = 0;
  const entities = (s: string, where: string): string | undefined => {
    const bad = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/.exec(s);
    return bad ? `bad '&' in ${where} at ${bad.index}` : undefined;
  };
  if (text.startsWith("<?xml")) {
    const end = text.indexOf("?>");
    if (end < 0) return "unterminated XML declaration";
    i = end + 2;
  }
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (stack.length === 0 && chunk.trim() !== "") return `text outside the root: ${JSON.stringify(chunk.slice(0, 20))}`;
    const e = entities(chunk, "text");
    if (e) return e;
    if (lt < 0) break;
    if (text.startsWith("<!--", lt)) {
      const end = text.indexOf("-->", lt + 4);
      if (end < 0) return "unterminated comment";
      i = end + 3;
      continue;
    }
    const gt = text.indexOf(">", lt);
    if (gt < 0) return "unterminated tag";
    const tag = text.slice(lt + 1, gt);
    if (tag.includes("<")) return `'<' inside a tag: ${tag.slice(0, 40)}`;
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) return `</${name}> closes <${open ?? "nothing"}>`;
    } else {
      const selfClosing = tag.endsWith("/");
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const m = /^([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*"[^"]*")*)\s*$/.exec(body);
      if (m === null) return `malformed tag <${tag.slice(0, 60)}>`;
      const names = new Set<string>();
      for (const a of m[2]!.matchAll(/([A-Za-z_][\w:.-]*)\s*=\s*"([^"]*)"/g)) {
        if (names.has(a[1]!)) return `attribute ${a[1]} repeated in <${m[1]}>`;
        names.add(a[1]!);
        const ee = entities(a[2]!, `attribute ${a[1]}`);
        if (ee) return ee;
      }
      if (stack.length === 0) { if (++roots > 1) return "more than one root element"; }
      if (!selfClosing) stack.push(m[1]!);
    }
    i = gt + 1;
  }
  if (stack.length > 0) return `<${stack.at(-1)}> not closed`;
  return roots === 1 ? undefined : "no root element";
}
