/**
 * The replacement-table generator's readers on small Go sources written for these tests (the
 * shapes provider schemas use), and the generated table's provenance.
 */
import { describe, expect, it } from "vitest";
import { readHelmReleaseFields, readKindRules, readProviderReplaceKeys } from "../../../scripts/replacement-table/kubernetes";
import { readSinglePackageProvider, readTerraformResources } from "../../../scripts/replacement-table/terraform";
import { parseArgs } from "../../../scripts/replacement-table/generate";
import { REPLACEMENT_TABLE } from "../../../tools/plan/replacement/table";

const NAMES = `package names
const (
	AttrName = "name"
	AttrVPCID = "vpc_id"
)`;

const SERVICE_GEN = `package widget
func (p *servicePackage) SDKResources(ctx context.Context) []*types.ServicePackageSDKResource {
	return []*types.ServicePackageSDKResource{
		{
			Factory:  resourceWidget,
			TypeName: "aws_widget",
		},
	}
}
func (p *servicePackage) FrameworkResources(ctx context.Context) []*types.ServicePackageFrameworkResource {
	return []*types.ServicePackageFrameworkResource{
		{
			Factory: newGadgetResource,
		},
	}
}`;

const WIDGET = `package widget
// ForceNew: true in a comment does not count.
func resourceWidget() *schema.Resource {
	return &schema.Resource{
		CustomizeDiff: customdiff.ForceNewIfChange("size", func(_ context.Context, old, new, meta interface{}) bool { return true }),
		Schema: map[string]*schema.Schema{
			names.AttrName: {
				Type:     schema.TypeString,
				Required: true,
				ForceNew: true,
			},
			names.AttrVPCID: {
				Type:     schema.TypeString,
				Optional: true,
				Computed: true,
				ForceNew: true,
			},
			"size": {Type: schema.TypeInt, Optional: true},
			"config": {
				Type:     schema.TypeList,
				MaxItems: 1,
				Optional: true,
				Elem:     configBlock(),
			},
			"tags": tftags.TagsSchema(),
		},
	}
}
func configBlock() *schema.Resource {
	return &schema.Resource{
		Schema: map[string]*schema.Schema{
			"mode": {Type: schema.TypeString, Optional: true, ForceNew: true, Description: "a } brace in a string"},
			"level": {Type: schema.TypeInt, Optional: true},
		},
	}
}`;

const GADGET = `package widget
func newGadgetResource(context.Context) (resource.ResourceWithConfigure, error) {
	r := &gadgetResource{}
	return r, nil
}
func (*gadgetResource) Metadata(_ context.Context, request resource.MetadataRequest, response *resource.MetadataResponse) {
	response.TypeName = "aws_gadget"
}
func (r *gadgetResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"cluster_name": schema.StringAttribute{
				Required: true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.RequiresReplace(),
				},
			},
			"role_arn": schema.StringAttribute{Required: true},
			"mode": schema.StringAttribute{
				Optional: true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.RequiresReplaceIf(someCheck, "", ""),
				},
			},
		},
		Blocks: map[string]schema.Block{
			"target": schema.ListNestedBlock{
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"arn": schema.StringAttribute{
							Required:      true,
							PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
						},
					},
				},
			},
		},
	}
}`;

describe("terraform-provider-aws reader", () => {
  const files = new Map([
    ["names/attr_consts.go", NAMES],
    ["internal/service/widget/service_package_gen.go", SERVICE_GEN],
    ["internal/service/widget/widget.go", WIDGET],
    ["internal/service/widget/gadget.go", GADGET],
  ]);
  const resources = readTerraformResources({ files });

  it("reads ForceNew of an SDKv2 schema, nested blocks and conditional CustomizeDiff included", () => {
    const widget = resources.find((r) => r.name === "aws_widget")!;
    expect(widget).toMatchObject({ kind: "sdkv2", forceNew: ["config.mode", "name", "vpc_id"], conditional: ["size"], computed: ["vpc_id"], unresolved: [] });
  });

  it("reads RequiresReplace plan modifiers of a framework resource, nested blocks included", () => {
    const gadget = resources.find((r) => r.name === "aws_gadget")!;
    expect(gadget).toMatchObject({ kind: "framework", forceNew: ["cluster_name", "target.arn"], conditional: ["mode"], unresolved: [] });
  });

  it("reads a single-package framework provider (terraform-provider-random's layout)", () => {
    const src = `package provider
func (r *idResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_id"
}
func (r *idResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = idSchema()
}
func idSchema() schema.Schema {
	return schema.Schema{
		Attributes: map[string]schema.Attribute{
			"byte_length": schema.Int64Attribute{Required: true, PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()}},
			"b64_std": schema.StringAttribute{Computed: true},
		},
	}
}`;
    expect(readSinglePackageProvider({ files: new Map([["internal/provider/resource_id.go", src]]) }, "random")).toMatchObject([{ name: "random_id", forceNew: ["byte_length"] }]);
  });
});

describe("pulumi-kubernetes reader", () => {
  const diffGo = `package provider
var forceNew = _groups{
	"apps": _versions{
		"v1": _kinds{"Deployment": deployment},
	},
}
var deployment = append(
	properties{
		".spec.selector",
	},
	labelSelectorForceNewProperties(".spec.selector")...,
)
func metadataForceNewProperties(prefix string) properties {
	return properties{
		prefix + ".name",
		prefix + ".namespace",
	}
}
func labelSelectorForceNewProperties(prefix string) properties {
	return properties{
		prefix + ".matchLabels",
	}
}`;

  it("evaluates the forceNew table with its helpers, metadata paths on every kind", () => {
    expect(readKindRules(diffGo).rules).toEqual([{ group: "apps", version: "v1", kind: "Deployment", paths: ["metadata.name", "metadata.namespace", "spec.selector", "spec.selector.matchLabels"] }]);
  });

  it("reads the Helm Release fields and the provider keys that replace", () => {
    expect(readHelmReleaseFields(`func x() { forceNewFields := []string{".name", ".namespace"} }`)).toEqual(["name", "namespace"]);
    expect(readProviderReplaceKeys(`package provider
func (k *kubeProvider) DiffConfig(ctx context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	for _, key := range []resource.PropertyKey{"kubeconfig", "context", "cluster"} {
	}
}`)).toEqual(["cluster", "context", "kubeconfig"]);
  });
});

describe("the generated table", () => {
  it("records where it comes from: upstream repository, commit and date, and the Pulumi package versions", () => {
    for (const name of ["aws", "random", "kubernetes"]) {
      const p = REPLACEMENT_TABLE.providers[name];
      expect(p.upstream.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(p.upstream.commitDate).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(p.version).toMatch(/^\d+\.\d+\.\d+/);
    }
    expect(REPLACEMENT_TABLE.generatedBy).toBe("scripts/replacement-table/generate.ts");
  });

  it("is dated by the clock: a date cannot be given by hand, and none precedes the sources read", () => {
    expect(() => parseArgs(["--date", "2026-07-02", "--aws", "x"])).toThrow(/unknown option --date/);
    for (const p of Object.values(REPLACEMENT_TABLE.providers)) expect(REPLACEMENT_TABLE.generated >= p.upstream.commitDate.slice(0, 10)).toBe(true);
  });

  it("says which terraform-provider-aws release it read, and where each newer rule came from", () => {
    const aws = REPLACEMENT_TABLE.providers.aws;
    expect(aws.upstream.upstreamVersion ?? aws.upstream.changelogVersion).toMatch(/^\d+\.\d+\.\d+/);
    for (const rule of Object.values(REPLACEMENT_TABLE.types).filter((r) => r.upstream)) {
      expect(rule.upstream!.commit).toMatch(/^[0-9a-f]{40}$/);
      if (rule.upstream!.how === "overlay") expect(Object.values(aws.overlay!.files).map((f) => f.commit)).toContain(rule.upstream!.commit);
    }
    expect(Object.values(REPLACEMENT_TABLE.types).filter((r) => r.upstream?.how === "overlay")).toHaveLength(aws.overlay?.types ?? 0);
  });

  it("holds the replace-forcing inputs a review relies on", () => {
    const t = REPLACEMENT_TABLE.types;
    expect(t["aws:ec2/vpc:Vpc"].replaceOn).toContain("cidrBlock");
    expect(t["aws:ec2/subnet:Subnet"].replaceOn).toEqual(expect.arrayContaining(["vpcId", "cidrBlock", "availabilityZone"]));
    expect(t["aws:rds/cluster:Cluster"].replaceOn).toEqual(expect.arrayContaining(["dbSubnetGroupName", "kmsKeyId", "engine", "storageEncrypted"]));
    expect(t["aws:rds/cluster:Cluster"].replaceOn).not.toContain("engineVersion");
    expect(t["aws:route53/healthCheck:HealthCheck"].replaceOn).toContain("requestInterval");
    expect(t["aws:eks/cluster:Cluster"].replaceOn).toEqual(expect.arrayContaining(["kubernetesNetworkConfig.serviceIpv4Cidr", "bootstrapSelfManagedAddons", "accessConfig.bootstrapClusterCreatorAdminPermissions", "roleArn", "name"]));
    expect(t["aws:eks/cluster:Cluster"].replaceOn).not.toContain("vpcConfig.subnetIds");
    // Added in 2025 provider versions: updated in place, never a replacement.
    expect([...t["aws:eks/cluster:Cluster"].replaceOn, ...t["aws:eks/cluster:Cluster"].mayReplaceOn]).not.toContain("deletionProtection");
    expect(t["aws:lb/targetGroup:TargetGroup"].replaceOn).toEqual(expect.arrayContaining(["targetType", "port", "protocol", "vpcId"]));
    expect(t["aws:ec2/subnet:Subnet"].replaceOn).toContain("availabilityZoneId");
    expect(t["aws:dynamodb/table:Table"].replaceOn).toEqual(expect.arrayContaining(["hashKey", "rangeKey", "name"]));
    expect(t["aws:dynamodb/table:Table"].replaceOn).not.toContain("replicas");
    // Resources the blueprint adds next have entries (FIS, ARC zonal shift and region switch).
    expect(t["aws:arcregionswitch/plan:Plan"].replaceOn).toEqual(expect.arrayContaining(["name", "recoveryApproach", "regions"]));
    expect(t["aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration"].replaceOn).toContain("resourceArn");
    expect(t["aws:fis/experimentTemplate:ExperimentTemplate"]).toBeDefined();
    expect(t["aws:cloudwatch/metricAlarm:MetricAlarm"].replaceOn).toContain("name");
    expect(t["kubernetes:apps/v1:Deployment"].replaceOn).toContain("spec.selector");
    expect(t["kubernetes:helm.sh/v3:Release"].replaceOn).toEqual(["name", "namespace"]);
    expect(t["random:index/randomPassword:RandomPassword"].replaceOn).toContain("length");
  });
});
