/**
 * Resource options the engine parses itself when a resource registers (pulumi/pulumi
 * `pkg/resource/deploy/source_eval.go`, RegisterResource), after transforms ran, so that the plan
 * refuses what `pulumi preview` refuses:
 *
 * - each non-empty `customTimeouts` field goes through Go's `time.ParseDuration`
 *   (`generateTimeoutInSeconds`): "30m", "1h30m", "1.5h", "90s" pass; "1d", "30min", "1 h" fail;
 * - each `hideDiffs` entry goes through `resource.ParsePropertyPath`
 *   (sdk/go/common/resource/properties_path.go, non-strict).
 *
 * Only the checks live here; engine.ts words the errors as the engine does.
 */

const MAX_INT64 = (1n << 63n) - 1n;
const TWO_63 = 1n << 63n;

/** Go's `unitMap` (time/format.go), in nanoseconds. */
const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n, // U+00B5 micro sign
  "\u03bcs": 1_000n, // U+03BC Greek small letter mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/**
 * Does Go's `time.ParseDuration` accept the text? Its grammar `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`
 * (or "0"), its units, and its overflow past int64 nanoseconds, followed step by step.
 */
export function isGoDuration(text: string): boolean {
  let s = text;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return true;
  if (s === "") return false;
  let total = 0n;
  while (s !== "") {
    if (!(s[0] === "." || isDigit(s[0]))) return false;
    // leadingInt: digits, failing once the value passes 1<<63.
    let whole = 0n;
    let i = 0;
    for (; isDigit(s[i]); i++) {
      if (whole > TWO_63 / 10n) return false;
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 48);
      if (whole > TWO_63) return false;
    }
    const hadWhole = i > 0;
    s = s.slice(i);
    // leadingFraction: digits after '.', the ones past int64 precision ignored.
    let fraction = 0n;
    let scale = 1;
    let hadFraction = false;
    if (s.startsWith(".")) {
      s = s.slice(1);
      let overflow = false;
      let j = 0;
      for (; isDigit(s[j]); j++) {
        if (overflow) continue;
        if (fraction > MAX_INT64 / 10n) {
          overflow = true;
          continue;
        }
        const next = fraction * 10n + BigInt(s.charCodeAt(j) - 48);
        if (next > TWO_63) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      hadFraction = j > 0;
      s = s.slice(j);
    }
    if (!hadWhole && !hadFraction) return false;
    // The unit: everything up to the next digit or '.'.
    let k = 0;
    while (k < s.length && !(s[k] === "." || isDigit(s[k]))) k++;
    if (k === 0) return false;
    const unit = DURATION_UNITS[s.slice(0, k)];
    if (unit === undefined) return false;
    s = s.slice(k);
    if (whole > TWO_63 / unit) return false;
    let value = whole * unit;
    if (fraction > 0n) {
      // As Go: float64, then truncated to an integer count of nanoseconds.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > TWO_63) return false;
    }
    total += value;
    if (total > TWO_63) return false;
  }
  return negative || total <= MAX_INT64;
}

/** Go's `strconv.Quote` for the texts an error here quotes (JSON's quoting matches it for printable text). */
function goQuote(text: string): string {
  return JSON.stringify(text);
}

/** `strconv.ParseInt(segment, 10, 0)`'s error, or null when it parses. */
function parseIntError(segment: string): string | null {
  if (!/^[+-]?[0-9]+$/.test(segment)) return `strconv.ParseInt: parsing ${goQuote(segment)}: invalid syntax`;
  const value = BigInt(segment);
  if (value > MAX_INT64 || value < -TWO_63) return `strconv.ParseInt: parsing ${goQuote(segment)}: value out of range`;
  return null;
}

/**
 * Why `resource.ParsePropertyPath` refuses a path, in its words, or null when it parses. The
 * non-strict parser: a bare name runs to the next '.' or '['; '[' takes a quoted key, '*' or a
 * base-10 integer, and must close.
 */
export function propertyPathError(path: string): string | null {
  let s = path;
  if (s.startsWith(".")) return "expected property path to start with a name or index";
  while (s.length > 0) {
    if (s[0] === ".") {
      s = s.slice(1);
      if (s.length === 0) return "expected property path to end with a name or index";
      // A '.' followed by '[' is tolerated (old providers write it).
    } else if (s[0] === "[") {
      if (s.length > 1 && s[1] === '"') {
        let i = 2;
        for (;;) {
          if (i >= s.length) return "missing closing quote in property name";
          if (s[i] === '"') {
            i++;
            break;
          }
          i += s[i] === "\\" && i + 1 < s.length && s[i + 1] === '"' ? 2 : 1;
        }
        if (i >= s.length || s[i] !== "]") return "missing closing bracket in property access";
        s = s.slice(i + 1);
      } else {
        const close = s.indexOf("]");
        if (close === -1) return "missing closing bracket in array index";
        const segment = s.slice(1, close);
        if (segment !== "*") {
          const error = parseIntError(segment);
          if (error) return `invalid array index: ${error}`;
        }
        s = s.slice(close + 1);
      }
    } else {
      let i = 0;
      while (i < s.length && s[i] !== "." && s[i] !== "[") i++;
      s = s.slice(i);
    }
  }
  return null;
}
