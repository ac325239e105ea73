/**
 * Where the fake cloud keeps the plain values of a record's secrets, apart from what gets written.
 * No SDK import: the isolated worker's protocol (tools/plan/worker.ts) uses it too.
 */
import type { RecordedResource } from "./index";

/**
 * Sets (or, with undefined, removes) a record's plain values of secrets, `secretInputs` or
 * `secretOutputs`, as a property that `JSON.stringify` and object spread skip: whatever writes a
 * record out (the plan JSON, a report, a test's dump of the records) cannot carry a secret by
 * accident. Only code that asks for them by name gets them: the policy harness, and the isolated
 * worker, which sends them beside the records (tools/plan/worker.ts).
 */
export function setPlainSecrets(record: RecordedResource, key: "secretInputs" | "secretOutputs", value: Record<string, unknown> | undefined): void {
  if (value === undefined) delete record[key];
  else Object.defineProperty(record, key, { value, enumerable: false, writable: true, configurable: true });
}
