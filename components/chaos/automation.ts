/**
 * The SSM Automation runbook that moves an Aurora global database's writer to a given member:
 * FIS has no native action for a global database, so `aws:ssm:start-automation-execution` runs
 * this document. `Mode` `switchover` calls SwitchoverGlobalCluster (planned: the secondaries catch
 * up first, no data loss); `failover` calls FailoverGlobalCluster with AllowDataLoss (the
 * unplanned-outage path: writes not yet replicated are lost). Both then wait until the global
 * cluster is `available` again. Plain data (schema 0.3), serialized by the component.
 */
import type { AutomationMode } from "./experiments";

/**
 * SSM document content (Automation, schema 0.3) that accepts only `modes`. Without `failover` the
 * document has no failover step at all: starting it by hand from the SSM console (with the
 * automation's role) cannot lose data either.
 */
export function globalDatabaseAutomation(modes: readonly AutomationMode[] = ["switchover"]): Record<string, unknown> {
  const failover = modes.includes("failover");
  const api = (name: string, apiName: string, extra: Record<string, unknown>) => ({
    name,
    action: "aws:executeAwsApi",
    onFailure: "Abort",
    inputs: { Service: "rds", Api: apiName, GlobalClusterIdentifier: "{{ GlobalClusterIdentifier }}", TargetDbClusterIdentifier: "{{ TargetDbClusterArn }}", ...extra },
    nextStep: "LetItStart",
  });
  return {
    schemaVersion: "0.3",
    description: failover
      ? "Moves the writer of an Aurora global database to TargetDbClusterArn: Mode switchover (SwitchoverGlobalCluster, no data loss) or failover (FailoverGlobalCluster with AllowDataLoss), then waits until the global cluster is available."
      : "Moves the writer of an Aurora global database to TargetDbClusterArn with SwitchoverGlobalCluster (no data loss), then waits until the global cluster is available. No failover: it was not opted in.",
    assumeRole: "{{ AutomationAssumeRole }}",
    parameters: {
      Mode: failover
        ? { type: "String", description: "switchover (planned, no data loss) or failover (unplanned: allows data loss).", allowedValues: ["switchover", "failover"] }
        : { type: "String", description: "switchover (planned, no data loss): the only mode this document has.", allowedValues: ["switchover"] },
      GlobalClusterIdentifier: { type: "String", description: "The global cluster's identifier." },
      TargetDbClusterArn: { type: "String", description: "ARN of the secondary member that becomes the writer." },
      AutomationAssumeRole: { type: "String", description: "The role the automation runs as." },
    },
    mainSteps: [
      {
        name: "ChooseMode",
        action: "aws:branch",
        inputs: {
          Choices: [
            { NextStep: "Switchover", Variable: "{{ Mode }}", StringEquals: "switchover" },
            ...(failover ? [{ NextStep: "Failover", Variable: "{{ Mode }}", StringEquals: "failover" }] : []),
          ],
        },
        isEnd: true,
      },
      api("Switchover", "SwitchoverGlobalCluster", {}),
      ...(failover ? [api("Failover", "FailoverGlobalCluster", { AllowDataLoss: true })] : []),
      // The call returns before the global cluster leaves `available`: waiting at once would end at once.
      { name: "LetItStart", action: "aws:sleep", inputs: { Duration: "PT1M" }, nextStep: "WaitUntilAvailable" },
      {
        name: "WaitUntilAvailable",
        action: "aws:waitForAwsResourceProperty",
        // A switchover takes minutes; FIS's maxDuration (PT1H) stops the automation before this.
        timeoutSeconds: 3000,
        onFailure: "Abort",
        inputs: { Service: "rds", Api: "DescribeGlobalClusters", GlobalClusterIdentifier: "{{ GlobalClusterIdentifier }}", PropertySelector: "$.GlobalClusters[0].Status", DesiredValues: ["available"] },
        isEnd: true,
      },
    ],
  };
}
