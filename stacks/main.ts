/**
 * The program: a stack whose config names `platform:environmentStack` is a regional stack; any
 * other stack is the global stack that defines an environment.
 */
import { environmentStackName } from "./environment";
import { globalStack } from "./global";
import { regionalStack } from "./region";

export async function main(): Promise<Record<string, unknown>> {
  const environmentStack = environmentStackName();
  return environmentStack ? regionalStack(environmentStack) : globalStack();
}
