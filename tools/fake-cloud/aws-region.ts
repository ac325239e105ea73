/**
 * Where an AWS provider finds its region when its config names none, as pulumi-aws does when it
 * configures itself (provider/resources.go, validateCredentials: the region from its `region`,
 * else `AWS_REGION`, else `AWS_DEFAULT_REGION`; aws-sdk-go-base then lets the AWS SDK for Go v2
 * take it from the profile): the `region` of its profile (the provider's `profile`, else
 * `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else `default`) in the shared credentials file
 * (`AWS_SHARED_CREDENTIALS_FILE`, else ~/.aws/credentials), which wins, or the shared config file
 * (`AWS_CONFIG_FILE`, else ~/.aws/config). With none of them the provider refuses to configure and
 * every resource and invoke that needs it fails: a plan on a machine without a region fails as
 * `pulumi preview` would there, instead of planning us-east-1.
 *
 * An explicit `aws.Provider` already takes `AWS_REGION`/`AWS_DEFAULT_REGION` in the SDK (its
 * constructor reads them); a default provider gets only the stack's `aws:*` config from the
 * engine and reads the environment in the provider process, which is what this module stands for.
 *
 * Not modelled: a region from EC2 instance metadata (a plan on an EC2 runner that relies on it
 * fails where the real preview passes; set AWS_REGION there), the provider's
 * `sharedConfigFiles`/`sharedCredentialsFiles` settings (only the variables and ~/.aws are read),
 * and `skipCredentialsValidation`.
 */
import { readFileSync } from "fs";
import { homedir } from "os";
import { join } from "path";

/** What the provider process sees: its environment and the shared files. */
export interface AmbientAws {
  env: Record<string, string | undefined>;
  /** A shared file's text, or null when there is none. */
  readFile(path: string): string | null;
  home: string;
}

/** This process's environment and files: the plan runs where `pulumi preview` would. */
export function processAmbient(): AmbientAws {
  return {
    env: process.env,
    readFile: (path) => {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return null;
      }
    },
    home: homedir(),
  };
}

/** pulumi-aws's message when no region is found (provider/errors/no_region.txt), on one line. */
export const MISSING_REGION = "Missing region information. Make sure you have set your AWS region, e.g. `pulumi config set aws:region us-west-2`.";

/** Where else the plan looked, as the provider does: said after the provider's message. */
export const REGION_SOURCES = "(looked, as the provider does, at the provider's region, AWS_REGION, AWS_DEFAULT_REGION and its profile's region in the shared config and credentials files)";

/**
 * The top-level properties of each section of an AWS shared file (the SDKs' own format, not
 * generic INI): `[name]` sections whose names may hold dots and runs of spaces, `key = value`
 * lines, `#` and `;` comments (inline ones after whitespace), and indented lines that belong to
 * the property above them (`s3 =` followed by `  region = x` is the s3 sub-section's, not the
 * profile's region). Keys are case-insensitive, as in the SDKs.
 */
export function parseSharedFile(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;].*)?$/.test(raw)) continue;
    const line = raw.replace(/\s[#;].*$/, "").trim();
    // A section header counts wherever it starts on its line (the SDKs trim it).
    const section = /^\[\s*([^\]]*?)\s*\]$/.exec(line);
    if (section) {
      const name = section[1].replace(/\s+/g, " ");
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      continue;
    }
    if (/^\s/.test(raw)) continue; // a sub-property of the property above
    const property = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (property && current) current.set(property[1].toLowerCase(), property[2]);
  }
  return sections;
}

/** The region of a profile: the credentials file's `[name]`, else the config file's `[profile name]` (`[default]` for the default). */
function profileRegion(profile: string, ambient: AmbientAws): string | null {
  const read = (variable: string, fallback: string) => {
    const text = ambient.readFile(ambient.env[variable] || join(ambient.home, ".aws", fallback));
    return text === null ? new Map<string, Map<string, string>>() : parseSharedFile(text);
  };
  const credentials = read("AWS_SHARED_CREDENTIALS_FILE", "credentials");
  const config = read("AWS_CONFIG_FILE", "config");
  const configNames = profile === "default" ? ["profile default", "default"] : [`profile ${profile}`];
  const candidates = [credentials.get(profile), ...configNames.map((name) => config.get(name))];
  for (const section of candidates) {
    const region = section?.get("region");
    if (region) return region;
  }
  return null;
}

/**
 * The region a provider configured with neither `region` nor `aws:region` ends up with, or null
 * when it would refuse to configure. `profile` is the provider's own (`profile` argument or
 * `aws:profile` config). Empty variables count as unset, as in the SDKs.
 */
export function ambientRegion(profile: string | undefined, ambient: AmbientAws): string | null {
  const fromEnv = ambient.env.AWS_REGION || ambient.env.AWS_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  return profileRegion(profile || ambient.env.AWS_PROFILE || ambient.env.AWS_DEFAULT_PROFILE || "default", ambient);
}
