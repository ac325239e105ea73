import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { validationRecordDomains } from "./lib/ingress-plan";

export interface DnsValidatedCertificateArgs {
  /** The first is the certificate's domain name, the rest its SANs. All must live in `zoneId`. */
  domainNames: string[];
  /** Route 53 hosted zone that gets the DNS validation records. */
  zoneId: pulumi.Input<string>;
  /** Region of the certificate (us-east-1 for CloudFront); the provider's when absent. */
  region?: string;
  /** @default {} */
  tags?: Record<string, string>;
}

/**
 * An ACM certificate validated through Route 53: the certificate and its validation are named
 * `name`, each validation record `<name>-<domain>`, all under `parent`. Use
 * `validation.certificateArn` so that consumers wait until the certificate is issued.
 */
export function dnsValidatedCertificate(name: string, args: DnsValidatedCertificateArgs, parent: pulumi.Resource): { certificate: aws.acm.Certificate; validation: aws.acm.CertificateValidation } {
  const region = args.region !== undefined ? { region: args.region } : {};
  const [domainName, ...subjectAlternativeNames] = args.domainNames;
  const certificate = new aws.acm.Certificate(name, {
    ...region,
    domainName,
    subjectAlternativeNames,
    validationMethod: "DNS",
    keyAlgorithm: "RSA_2048",
    tags: { ...args.tags, Name: domainName },
  }, { parent });
  const records = validationRecordDomains(args.domainNames).map((domain) => {
    const option = certificate.domainValidationOptions.apply((options) => {
      const found = options.find((o) => o.domainName === domain);
      if (!found) throw new Error(`ACM returned no validation option for ${domain}`);
      return found;
    });
    return new aws.route53.Record(`${name}-${domain.replace(/^\*\./, "")}`, {
      zoneId: args.zoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 60,
      // ACM uses the same CNAME for a name in every region of the account and for every
      // certificate of that name (terraform-provider-aws#13653), so several stacks write the same
      // record: overwrite instead of failing, and keep it when one of them goes, since the other
      // certificates still need it to renew.
      allowOverwrite: true,
    }, { parent, retainOnDelete: true });
  });
  const validation = new aws.acm.CertificateValidation(name, {
    ...region,
    certificateArn: certificate.arn,
    validationRecordFqdns: records.map((r) => r.fqdn),
  }, { parent });
  return { certificate, validation };
}
