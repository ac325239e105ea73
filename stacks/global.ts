/** The global stack: what is shared by every region of an environment. */
import { environmentSettings } from "./config";
import { environmentFromStackConfig } from "./environment";

export async function globalStack(): Promise<Record<string, unknown>> {
  const environment = environmentFromStackConfig();
  return {
    // Regional stacks read and re-validate this; it is the single definition of the environment.
    environment: environmentSettings(environment),
  };
}
