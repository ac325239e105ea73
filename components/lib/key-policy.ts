/**
 * Statements of the KMS key policies that encrypt SNS topics: an AWS service publishing to an
 * encrypted topic needs kms:GenerateDataKey* and kms:Decrypt on the topic's key (the SNS
 * developer guide, "Enable compatibility between event sources from AWS services and encrypted
 * topics"). Pure.
 */

/** Lets `service` use the key to publish to an encrypted topic, under `condition`. */
export function publishesToEncryptedTopic(sid: string, service: string, condition: Record<string, Record<string, unknown>>): object {
  return { Sid: sid, Effect: "Allow", Principal: { Service: service }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Resource: "*", Condition: condition };
}
