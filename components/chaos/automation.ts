/**
 * The SSM Automation runbook that moves an Aurora global database's writer to a given member:
 * FIS has no native action for a global database, so `aws:ssm:start-automation-execution` runs
 * this document. `Mode` `switchover` calls SwitchoverGlobalCluster (planned: the secondaries catch
 * up first, no data loss); `failover` calls FailoverGlobalCluster with AllowDataLoss (the
 * unplanned-outage path: writes not yet replicated are lost). Both then wait until the global
 * cluster is `available` again. Plain data (schema 0.3), serialized by the component.
 */

/** SSM document content (Automation, schema 0.3). */
export function globalDatabaseAutomation(): Record<string, unknown> {
  const api = (name: string, apiName: string, extra: Record<string, unknown>) => ({
    name,
    action: "aws:executeAwsApi",
    onFailure: "Abort",
    inputs: { Service: "rds", Api: apiName, GlobalClusterIdentifier: "{{ GlobalClusterIdentifier }}", TargetDbClusterIdentifier: "{{ TargetDbClusterArn }}", ...extra },
    nextStep: "LetItStart",
  });
  return {
    schemaVersion: "0.3",
    description: "Moves the writer of an Aurora global database to TargetDbClusterArn: Mode switchover (SwitchoverGlobalCluster, no data loss) or failover (FailoverGlobalCluster with AllowDataLoss), then waits until the global cluster is available.",
    assumeRole: "{{ AutomationAssumeRole }}",
    parameters: {
      Mode: { type: "String", description: "switchover (planned, no data loss) or failover (unplanned: allows data loss).", allowedValues: ["switchover", "failover"] },
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
            { NextStep: "Failover", Variable: "{{ Mode }}", StringEquals: "failover" },
          ],
        },
        isEnd: true,
      },
      api("Switchover", "SwitchoverGlobalCluster", {}),
      api("Failover", "FailoverGlobalCluster", { AllowDataLoss: true }),
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
