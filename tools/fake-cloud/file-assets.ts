/**
 * File assets and archives read as the engine reads them when a resource is registered
 * (`UnmarshalProperties` with `ComputeAssetHashes`, from the program's directory): one that cannot
 * be read fails the registration, in a preview too, with the engine's words (Go's path errors
 * included). Text assets need nothing; remote ones are not fetched offline.
 */
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { closeSync, fstatSync, openSync, statSync } from "fs";
import { isAbsolute, join } from "path";
import { EngineError, type FakeEngine } from "./engine";
import { structValues } from "./struct-view";

/** Go's text for a failed file operation (`*os.PathError`): `open /x: no such file or directory`. */
function goPathError(op: string, path: string, err: unknown): string {
  const texts: Record<string, string> = { ENOENT: "no such file or directory", EACCES: "permission denied", ENOTDIR: "not a directory", ELOOP: "too many levels of symbolic links", ENAMETOOLONG: "file name too long" };
  const code = (err as NodeJS.ErrnoException).code ?? "";
  return `${op} ${path}: ${texts[code] ?? (err as Error).message}`;
}

/** `Asset.readPath` (sdk/go/common/resource/asset): why a path asset cannot be read, or null. */
function assetReadError(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    return `failed to open asset file '${path}': ${goPathError("open", path, err)}`;
  }
  try {
    return fstatSync(fd).isDirectory() ? `asset path '${path}' is a directory; try using an archive` : null;
  } finally {
    closeSync(fd);
  }
}

/** `Archive.EnsureHashWithWD` (sdk/go/common/resource/archive): an archive file is read as it is, anything else must be a directory. */
function archiveReadError(path: string): string | null {
  if ([".tar", ".tgz", ".tar.gz", ".zip", ".jar"].some((extension) => path.endsWith(extension))) {
    try {
      closeSync(openSync(path, "r"));
      return null;
    } catch (err) {
      return goPathError("open", path, err);
    }
  }
  try {
    return statSync(path).isDirectory() ? null : `'${path}' is neither a recognized archive type nor a directory`;
  } catch (err) {
    return `couldn't read archive path '${path}': ${goPathError("stat", path, err)}`;
  }
}

/** Does a value hold a file asset or archive anywhere (a quick look before the ordered one)? */
function holdsPathAsset(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some(holdsPathAsset);
  const object = value as Record<string, unknown>;
  const signature = object[rpc.specialSigKey];
  if ((signature === rpc.specialAssetSig || signature === rpc.specialArchiveSig) && typeof object.path === "string") return true;
  for (const key in object) if (holdsPathAsset(object[key])) return true;
  return false;
}

/**
 * The first asset or archive of a RegisterResource request's properties whose hash the engine
 * cannot compute, as `UnmarshalProperties` with `ComputeAssetHashes` finds it (plugin/rpc.go):
 * keys in sorted order, what an object holds before the object itself (a secret's value under the
 * key "value", as the secret's own struct is unmarshalled). Only paths are read: text assets need nothing, and remote ones the plan cannot
 * fetch offline (the engine would download them).
 */
function assetHashError(value: unknown, key: string, workingDirectory: string): string | null {
  if (Array.isArray(value)) {
    for (const item of value) {
      const error = assetHashError(item, key, workingDirectory);
      if (error) return error;
    }
    return null;
  }
  if (value === null || typeof value !== "object") return null;
  const object = value as Record<string, unknown>;
  const signature = object[rpc.specialSigKey];
  for (const inner of Object.keys(object).sort()) {
    const error = assetHashError(object[inner], inner, workingDirectory);
    if (error) return error;
  }
  if (typeof object.path !== "string" || (signature !== rpc.specialAssetSig && signature !== rpc.specialArchiveSig)) return null;
  const path = isAbsolute(object.path) ? object.path : join(workingDirectory, object.path);
  if (signature === rpc.specialAssetSig) {
    const error = assetReadError(path);
    return error && `failed to compute asset hash for "${key}": ${error}`;
  }
  const error = archiveReadError(path);
  return error && `failed to compute archive hash for "${key}": ${error}`;
}

/**
 * The engine computes the hash of every file asset and archive a resource is registered with
 * (source_eval.go RegisterResource, `ComputeAssetHashes`, the working directory `runinfo.Pwd`), in
 * a preview too: one it cannot read fails the registration. The fake engine records assets without
 * reading them; its monitor entry point is wrapped here, where the working directory is known. Not
 * modelled: the engine reads assets after its first checks (a request with a bad type token gets
 * that error, not this one), and also in what a transform returns and in RegisterResourceOutputs.
 */
export function hashAssetsOnRegistration(engine: FakeEngine, workingDirectory: string): void {
  const register = engine.registerResource.bind(engine);
  engine.registerResource = (req, callback) => {
    const object = req.getObject();
    const properties = object ? structValues(object) : undefined;
    const error = holdsPathAsset(properties) ? assetHashError(properties, "", workingDirectory) : null;
    if (error === null) return register(req, callback);
    callback(new EngineError(`unmarshal properties: ${error} (the engine reads every file asset and archive when the resource is registered, in a preview too; a relative path is read from the program's directory, ${workingDirectory})`));
  };
}
