/**
 * A program's error as one paragraph for the user: its message and where in the program it came
 * from, never a stack trace. The planning process may run as a bundle (tools/plan/bin.js builds
 * one): frames inside it are mapped back to the `.ts` file and line through the bundle's source
 * map, read only when an error has to be described.
 */
import { existsSync, readFileSync } from "fs";
import { dirname, isAbsolute, relative, resolve } from "path";

interface SourceMapLike {
  findEntry(line: number, column: number): { originalSource?: string; originalLine?: number } | Record<string, never>;
}

const maps = new Map<string, SourceMapLike | null>();

function sourceMapOf(file: string): SourceMapLike | null {
  if (!maps.has(file)) {
    let map: SourceMapLike | null = null;
    try {
      const mapFile = `${file}.map`;
      if (existsSync(mapFile)) {
        const { SourceMap } = require("module") as { SourceMap: new (payload: unknown) => SourceMapLike };
        map = new SourceMap(JSON.parse(readFileSync(mapFile, "utf8")));
      }
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return maps.get(file)!;
}

/** A frame's file and line, mapped through a source map when the file has one. */
function original(file: string, line: number, column: number): { file: string; line: number } {
  const map = /\.[cm]?js$/.test(file) ? sourceMapOf(file) : null;
  const entry = map?.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number } | undefined;
  if (entry?.originalSource && entry.originalLine !== undefined) {
    const source = entry.originalSource.replace(/^file:\/\//, "");
    return { file: isAbsolute(source) ? source : resolve(dirname(file), source), line: entry.originalLine + 1 };
  }
  return { file, line };
}

/** The first frame of a stack trace that is the user's code (not node_modules, not the plan tool). */
export function userFrame(stack: string | undefined): string | null {
  for (const text of (stack ?? "").split("\n").slice(1)) {
    const match = /^at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/.exec(text.trim());
    if (!match) continue;
    const raw = match[1].replace(/^file:\/\//, "");
    if (raw.startsWith("node:") || !raw.startsWith("/")) continue;
    const { file, line } = original(raw, Number(match[2]), Number(match[3]));
    if (/node_modules|[\\/]tools[\\/](plan|fake-cloud)[\\/]/.test(file)) continue;
    return `${relative(process.cwd(), file)}:${line}`;
  }
  return null;
}

/** A one-paragraph account of an error: its message, and where in the program it came from. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return `the program failed with ${JSON.stringify(err) ?? String(err)}`;
  // Pulumi's RunError (what stacks/ throws for bad config) is a message for the user as it is; so
  // are the engine's refusals and what the run itself observed (a hang, leaked promises).
  if (["RunError", "ConfigError", "EngineError", "StackRunError"].includes(err.name) || err.constructor?.name === "RunError") return err.message;
  const where = userFrame(err.stack);
  const kind = err.name && err.name !== "Error" ? `${err.name}: ` : "";
  return `${kind}${err.message}${where ? ` (at ${where})` : ""}`;
}
