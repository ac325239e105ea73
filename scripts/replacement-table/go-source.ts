/**
 * Just enough Go reading for provider schemas: comments stripped, balanced brackets matched
 * (strings and runes skipped), composite-literal bodies split into their top-level elements.
 * Provider schemas are data written as Go literals; this reads that data, not Go in general.
 */

/** Source with comments blanked out (same length, so offsets still match). */
export function stripComments(src: string): string {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (c === "/" && next === "/") {
      const end = src.indexOf("\n", i);
      const stop = end < 0 ? src.length : end;
      out += " ".repeat(stop - i);
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else if (c === '"' || c === "`" || c === "'") {
      const stop = skipString(src, i);
      out += src.slice(i, stop);
      i = stop;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** Index just after the string or rune literal starting at `i`. */
function skipString(src: string, i: number): number {
  const quote = src[i];
  let j = i + 1;
  while (j < src.length && src[j] !== quote) {
    if (quote !== "`" && src[j] === "\\") j += 1;
    if (quote !== "`" && src[j] === "\n") break;
    j += 1;
  }
  return j + 1;
}

const OPEN: Record<string, string> = { "{": "}", "(": ")", "[": "]" };

/** Index of the bracket closing the one at `open` (comments must be stripped). */
export function matchBracket(src: string, open: number): number {
  const stack: string[] = [];
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "`" || c === "'") {
      i = skipString(src, i) - 1;
    } else if (c in OPEN) {
      stack.push(OPEN[c]);
    } else if (c === "}" || c === ")" || c === "]") {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** The text between the bracket at `open` and its match, exclusive. */
export function bracketBody(src: string, open: number): string {
  const close = matchBracket(src, open);
  return close < 0 ? "" : src.slice(open + 1, close);
}

/** Top-level comma-separated elements of a literal body, trimmed, empty ones dropped. */
export function splitElements(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"' || c === "`" || c === "'") i = skipString(body, i) - 1;
    else if (c in OPEN) depth += 1;
    else if (c === "}" || c === ")" || c === "]") depth -= 1;
    else if (c === "," && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** `Key: value` of one element, split at its first top-level colon; null when it has none. */
export function keyValue(element: string): { key: string; value: string } | null {
  let depth = 0;
  for (let i = 0; i < element.length; i++) {
    const c = element[i];
    if (c === '"' || c === "`" || c === "'") i = skipString(element, i) - 1;
    else if (c in OPEN) depth += 1;
    else if (c === "}" || c === ")" || c === "]") depth -= 1;
    else if (c === ":" && depth === 0 && element[i + 1] !== "=") return { key: element.slice(0, i).trim(), value: element.slice(i + 1).trim() };
  }
  return null;
}

/** Fields of a keyed composite literal body (`Type: ..., ForceNew: true`). */
export function fields(body: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const element of splitElements(body)) {
    const kv = keyValue(element);
    if (kv) map.set(kv.key, kv.value);
  }
  return map;
}

/** The body of the first composite literal in `value` (text after its first `{`), or null. */
export function literalBody(value: string): string | null {
  const open = value.indexOf("{");
  if (open < 0) return null;
  // A call such as `foo(bar{...})` is not a literal of its own.
  const paren = value.indexOf("(");
  if (paren >= 0 && paren < open && !/^func\b/.test(value)) return null;
  return bracketBody(value, open);
}

/** A Go string literal's value, or null when `text` is not one. */
export function stringLiteral(text: string): string | null {
  const t = text.trim();
  if (/^"(?:[^"\\]|\\.)*"$/.test(t)) return JSON.parse(t) as string;
  if (/^`[^`]*`$/.test(t)) return t.slice(1, -1);
  return null;
}

/** A called function's name (`pkg.name(...)` → `name`, with `pkg`), or null. */
export function calledFunction(value: string): { pkg: string | null; name: string } | null {
  const match = /^&?(?:([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)(?:\[[^\]]*\])?\(/.exec(value.trim());
  return match ? { pkg: match[1] ?? null, name: match[2] } : null;
}

/** Top-level `func` declarations of a file: name (methods as `Receiver.name`) → body text. */
export function functions(src: string): Map<string, string> {
  const map = new Map<string, string>();
  const re = /^func\s+(?:\(\s*\w*\s*\*?\s*(\w+)(?:\[[^\]]*\])?\s*\)\s*)?(\w+)/gm;
  for (let match = re.exec(src); match; match = re.exec(src)) {
    // The body opens at the first `{` after the signature's parentheses are balanced.
    let i = re.lastIndex;
    let depth = 0;
    for (; i < src.length; i++) {
      const c = src[i];
      if (c === "(" || c === "[") depth += 1;
      else if (c === ")" || c === "]") depth -= 1;
      else if (c === "{" && depth === 0) {
        // `interface{}` and struct types in a signature are not the body.
        if (/(interface|struct)\s*$/.test(src.slice(Math.max(0, i - 10), i))) {
          i = matchBracket(src, i);
          continue;
        }
        break;
      }
    }
    const body = bracketBody(src, i);
    map.set(match[1] ? `${match[1]}.${match[2]}` : match[2], body);
  }
  return map;
}

/** `Name = "value"` string constants of a file (const blocks and single consts). */
export function stringConstants(src: string): Map<string, string> {
  const map = new Map<string, string>();
  const blockRe = /^const\s*\(/gm;
  for (let m = blockRe.exec(src); m; m = blockRe.exec(src)) {
    const body = bracketBody(src, m.index + m[0].length - 1);
    for (const line of body.split("\n")) {
      const c = /^\s*(\w+)\s*(?:\w+\s*)?=\s*("(?:[^"\\]|\\.)*")/.exec(line);
      if (c) map.set(c[1], JSON.parse(c[2]) as string);
    }
  }
  const singleRe = /^const\s+(\w+)\s*(?:\w+\s*)?=\s*("(?:[^"\\]|\\.)*")/gm;
  for (let m = singleRe.exec(src); m; m = singleRe.exec(src)) map.set(m[1], JSON.parse(m[2]) as string);
  return map;
}
