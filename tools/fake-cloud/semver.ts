/**
 * `semver.Parse` of github.com/blang/semver v3.5.1, the parser the engine reads every version
 * with (pkg/go.mod): a provider request's (source_eval.go `parseProviderRequest`), a provider
 * resource's own. Same accepted strings and the same error texts, so the plan refuses what the
 * engine refuses with its words. Stricter than it looks in one way only: no `v` prefix.
 */

export interface SemVer {
  major: string;
  minor: string;
  patch: string;
  pre: string[];
  build: string[];
}

const NUMBERS = /^[0-9]*$/;
const ALPHANUM = /^[0-9A-Za-z-]*$/;
const MAX_UINT64 = 18446744073709551615n;

/** Go's %q of an ASCII string (what blang's messages quote); other characters as JSON escapes them. */
const quote = (s: string): string => JSON.stringify(s);

const hasLeadingZeroes = (s: string): boolean => s.length > 1 && s[0] === "0";

/** strconv.ParseUint(s, 10, 64) on a string of digits only: its error text, or null. */
function parseUintError(s: string): string | null {
  if (s === "") return `strconv.ParseUint: parsing ${quote(s)}: invalid syntax`;
  if (BigInt(s) > MAX_UINT64) return `strconv.ParseUint: parsing ${quote(s)}: value out of range`;
  return null;
}

function numberPart(s: string, what: "major" | "minor" | "patch", capitalized: string): string | null {
  if (!NUMBERS.test(s)) return `Invalid character(s) found in ${what} number ${quote(s)}`;
  if (hasLeadingZeroes(s)) return `${capitalized} number must not contain leading zeroes ${quote(s)}`;
  return parseUintError(s);
}

/** Parsed versions: a plan asks for the same few (every resource of a provider sends its version). */
const parsed = new Map<string, Readonly<SemVer> | string>();

/** The version's parts (shared: do not modify them), or blang's error text. */
export function parseSemver(s: string): Readonly<SemVer> | string {
  let result = parsed.get(s);
  if (result === undefined) {
    if (parsed.size >= 256) parsed.clear();
    result = parse(s);
    parsed.set(s, result);
  }
  return result;
}

function parse(s: string): SemVer | string {
  if (s.length === 0) return "Version string empty";
  // strings.SplitN(s, ".", 3)
  const first = s.indexOf(".");
  const second = first < 0 ? -1 : s.indexOf(".", first + 1);
  if (second < 0) return "No Major.Minor.Patch elements found";
  const major = s.slice(0, first);
  const minor = s.slice(first + 1, second);
  let patch = s.slice(second + 1);
  const majorError = numberPart(major, "major", "Major");
  if (majorError) return majorError;
  const minorError = numberPart(minor, "minor", "Minor");
  if (minorError) return minorError;
  let build: string[] = [];
  let pre: string[] = [];
  const plus = patch.indexOf("+");
  if (plus >= 0) {
    build = patch.slice(plus + 1).split(".");
    patch = patch.slice(0, plus);
  }
  const dash = patch.indexOf("-");
  if (dash >= 0) {
    pre = patch.slice(dash + 1).split(".");
    patch = patch.slice(0, dash);
  }
  const patchError = numberPart(patch, "patch", "Patch");
  if (patchError) return patchError;
  for (const p of pre) {
    if (p === "") return "Prerelease is empty";
    if (NUMBERS.test(p)) {
      if (hasLeadingZeroes(p)) return `Numeric PreRelease version must not contain leading zeroes ${quote(p)}`;
      const error = parseUintError(p);
      if (error) return error;
    } else if (!ALPHANUM.test(p)) return `Invalid character(s) found in prerelease ${quote(p)}`;
  }
  for (const b of build) {
    if (b === "") return "Build meta data is empty";
    if (!ALPHANUM.test(b)) return `Invalid character(s) found in build meta data ${quote(b)}`;
  }
  // Parts as Go prints them (%d of a uint64 drops nothing: leading zeroes are refused above).
  return { major, minor, patch, pre, build };
}
