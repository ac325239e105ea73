/**
 * Where an AWS provider finds its region when its own config names none, as pulumi-aws does when
 * it configures itself (the bridge's preConfigureCallback, pulumi/pulumi-aws#2088, and the
 * profile lookup of #2104): `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the `region` of its
 * profile in the shared config file (`AWS_CONFIG_FILE`, else ~/.aws/config; the profile is the
 * provider's `profile`, else `AWS_PROFILE`, else `default`). With none of them the provider
 * refuses to configure, and every resource and invoke that needs it fails: a plan on a machine
 * without a region fails as `pulumi preview` would there, instead of planning us-east-1.
 *
 * An explicit `aws.Provider` already takes `AWS_REGION`/`AWS_DEFAULT_REGION` in the SDK (its
 * constructor reads them); a default provider gets only the stack's `aws:*` config from the
 * engine and reads the environment in the provider process, which is what this module stands for.
 */
import { readFileSync } from "fs";
import { parse } from "ini";
import { homedir } from "os";
import { join } from "path";

/** What the provider process sees: its environment and the shared config file. */
export interface AmbientAws {
  env: Record<string, string | undefined>;
  /** The shared config file's text, or null when there is none. */
  readConfigFile(path: string): string | null;
  home: string;
}

/** This process's environment and files: the plan runs where `pulumi preview` would. */
export function processAmbient(): AmbientAws {
  return {
    env: process.env,
    readConfigFile: (path) => {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return null;
      }
    },
    home: homedir(),
  };
}

/** The provider's message when no region is found (pulumi-aws, provider/resources.go). */
export const MISSING_REGION =
  "unable to find a AWS Region config. Set the Region by using: `pulumi config set aws:region <region>` (the stack's config), " +
  "an AWS profile with a region, or the environment variables AWS_REGION or AWS_DEFAULT_REGION";

/** The region of a profile in the shared config file, or null. */
function profileRegion(profile: string, ambient: AmbientAws): string | null {
  const path = ambient.env.AWS_CONFIG_FILE || join(ambient.home, ".aws", "config");
  const text = ambient.readConfigFile(path);
  if (text === null) return null;
  let sections: Record<string, unknown>;
  try {
    sections = parse(text);
  } catch {
    return null;
  }
  // The config file names the default profile [default] and the others [profile NAME].
  const names = profile === "default" ? ["default", "profile default"] : [`profile ${profile}`];
  for (const name of names) {
    const section = sections[name];
    if (section && typeof section === "object") {
      const region = (section as Record<string, unknown>).region;
      if (typeof region === "string" && region.trim() !== "") return region.trim();
    }
  }
  return null;
}

/**
 * The region a provider configured with neither `region` nor `aws:region` ends up with, or null
 * when it would refuse to configure. `profile` is the provider's own (`profile` argument or
 * `aws:profile` config).
 */
export function ambientRegion(profile: string | undefined, ambient: AmbientAws): string | null {
  const fromEnv = ambient.env.AWS_REGION || ambient.env.AWS_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  return profileRegion(profile || ambient.env.AWS_PROFILE || "default", ambient);
}
