/** A refusal or a usage error of the operator commands (gameday, loadtest): printed as is, never with a stack trace. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandError";
  }
}

/** AWS SDK errors (no credentials, access denied, throttling) in one line: the service's code and message, and what was being done. */
export function describeAwsError(error: unknown, doing: string): string {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = e?.name && e.name !== "Error" ? `${e.name}: ` : "";
  return `the AWS call failed while ${doing}: ${code}${e?.message ?? String(error)}${e?.name === "CredentialsProviderError" ? " (set AWS_PROFILE or credentials for the environment's account)" : ""}`;
}
