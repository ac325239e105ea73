/**
 * Writing the reports so that bad input never leaves a partial file: everything is rendered in
 * memory first; then each file is written to a temporary name in its own directory (so the
 * rename stays on one file system and is atomic) and renamed into place only when all of them
 * were written.
 */
import { existsSync, renameSync, statSync, unlinkSync, writeFileSync } from "fs";
import { basename, dirname, join, resolve } from "path";
import { PlanError } from "./args";

export interface OutputFile {
  /** The option that asked for it, for messages. */
  option: string;
  path: string;
  content: string;
}

/** Fails early (before any stack runs) when an output could not be written. */
export function checkOutputPath(option: string, path: string): void {
  const target = resolve(path);
  const dir = dirname(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new PlanError(`${option} ${path}: the directory ${dir} does not exist; create it or choose another path`);
  if (existsSync(target) && statSync(target).isDirectory()) throw new PlanError(`${option} ${path} is a directory; give a file name`);
}

export function writeOutputs(files: readonly OutputFile[]): void {
  const written: { temp: string; target: string }[] = [];
  try {
    for (const file of files) {
      const target = resolve(file.path);
      const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
      written.push({ temp, target });
      writeFileSync(temp, file.content);
    }
  } catch (err) {
    for (const { temp } of written) if (existsSync(temp)) unlinkSync(temp);
    throw new PlanError(`could not write the reports (${(err as Error).message}); nothing was written`);
  }
  for (const { temp, target } of written) renameSync(temp, target);
}
