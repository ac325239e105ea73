/**
 * Loading the environment inside a Pulumi program: from the stack's own config (global stack)
 * or from the global stack's exported environment (regional stacks).
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "./config-keys";
import { ConfigError, Environment, parseEnvironment } from "./config";

/** Turns a config error into a RunError: the CLI then prints the message without a stack trace. */
export function asRunError(err: unknown, note?: string): never {
  if (err instanceof ConfigError) throw new pulumi.RunError(note ? `${err.message}\n${note}` : err.message);
  throw err;
}

/** The environment defined by this (global) stack's config. */
export function environmentFromStackConfig(): Environment {
  try {
    return parseEnvironment(pulumi.getStack(), pulumi.runtime.allConfig(), `Pulumi.${pulumi.getStack()}.yaml`);
  } catch (err) {
    return asRunError(err);
  }
}

/** `platform:environmentStack` when this is a regional stack, else undefined. */
export function environmentStackName(): string | undefined {
  return new pulumi.Config(CONFIG_NAMESPACE).get("environmentStack");
}

/**
 * The name a StackReference must give: `<organization>/<project>/<stack>`. Pulumi Cloud refuses
 * any other form ("a stack reference's name should be of the form '<organization>/<project>/<stack>'",
 * httpstate backend GetStackOutputs), and the diy backend takes it too (its organization is
 * always "organization"). A bare `prod` or `org/prod` in the stack file is completed with this
 * stack's own organization and project, where the environment's stacks live. Pure.
 */
export function qualifiedStackName(name: string, organization: string, project: string): string {
  const parts = name.split("/");
  if (parts.length === 3) return name;
  if (parts.length === 2) return `${parts[0]}/${project}/${parts[1]}`;
  return `${organization}/${project}/${name}`;
}
