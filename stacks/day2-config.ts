/**
 * Rules for the keys that make day-2 operations safe on a running environment: the EKS control
 * plane's zones when AZs are added. Each rule is the components' own (components/lib), reported
 * per key with the value and the fix before anything runs. Deployment order and what each change
 * does to a running environment: docs/runbooks/.
 */
import { MAX_AZS } from "../components/lib/cidr";
import type { EnvironmentSettings } from "./config";

type Report = (key: string, value: unknown, message: string) => void;

function checkControlPlaneZones(s: EnvironmentSettings, report: Report): void {
  const n = s.eksControlPlaneAzCount;
  if (!Number.isInteger(n) || n < 2 || n > MAX_AZS) {
    report("eksControlPlaneAzCount", n, `must be 2 to ${MAX_AZS}: the number of zones (the first ones) the EKS control plane was created with; keep it at the value the clusters were created with (3 unless azCount was 2 then)`);
  }
}

/** Every day-2 rule; parseEnvironment runs them with the other domain rules. */
export function checkDay2(s: EnvironmentSettings, report: Report): void {
  checkControlPlaneZones(s, report);
}
