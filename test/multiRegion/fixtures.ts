// Shared arguments and assertions for the multi-region specs.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { MultiRegionService, MultiRegionServiceArgs, ServiceFunctionArgs } from "../../components";
import { CapturedResource, MockRun, ResourceCapture, runComponent } from "../../testing";

export const API = "aws:apigatewayv2/api:Api";
export const STAGE = "aws:apigatewayv2/stage:Stage";
export const INTEGRATION = "aws:apigatewayv2/integration:Integration";
export const ROUTE = "aws:apigatewayv2/route:Route";
export const DOMAIN_NAME = "aws:apigatewayv2/domainName:DomainName";
export const API_MAPPING = "aws:apigatewayv2/apiMapping:ApiMapping";
export const PERMISSION = "aws:lambda/permission:Permission";
export const ALIAS = "aws:lambda/alias:Alias";
export const FUNCTION = "aws:lambda/function:Function";
export const CERTIFICATE = "aws:acm/certificate:Certificate";
export const CERTIFICATE_VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
export const RECORD = "aws:route53/record:Record";
export const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
export const TABLE = "aws:dynamodb/table:Table";
export const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const REGIONAL_SERVICE = "multiregion-serverless:index:RegionalService";
export const MULTI_REGION_SERVICE = "multiregion-serverless:index:MultiRegionService";

export const ZONE_ID = "Z0123456789EXAMPLE";
export const GLOBAL_NAME = "api.example.com";
export const domain = { zoneId: ZONE_ID, name: GLOBAL_NAME };

export const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

/** The orders service: one function, the example service's routes. */
export const ordersFunctions: Record<string, ServiceFunctionArgs> = { orders: { code } };
export const ordersRoutes = { "POST /orders": "orders", "GET /orders/{id}": "orders" };

/** The parts of a MultiRegionService every spec shares. */
export const shape = { functions: ordersFunctions, routes: ordersRoutes, domain };

export function runService(
  args: MultiRegionServiceArgs,
  name = "orders",
): Promise<MockRun<MultiRegionService>> {
  return runComponent(() => new MultiRegionService(name, args));
}

/** Route 53 records for a name, optionally of one record type. */
export function recordsFor(
  resources: ResourceCapture,
  name: string,
  type = "A",
): CapturedResource[] {
  return resources.ofType(RECORD).filter((r) => r.inputs.name === name && r.inputs.type === type);
}

/** The failover records for a name, by PRIMARY / SECONDARY. */
export function failoverRecords(
  resources: ResourceCapture,
  name: string,
  type = "A",
): { primary: CapturedResource[]; secondary: CapturedResource[] } {
  const records = recordsFor(resources, name, type);
  const ofRole = (role: string) =>
    records.filter((r) => r.inputs.failoverRoutingPolicies?.[0]?.type === role);
  return { primary: ofRole("PRIMARY"), secondary: ofRole("SECONDARY") };
}

/** The region whose API Gateway custom domain a record aliases. */
export function aliasedRegion(resources: ResourceCapture, record: CapturedResource): string {
  const target = record.inputs.aliases?.[0]?.name;
  const domainName = resources
    .ofType(DOMAIN_NAME)
    .find((d) => d.outputs.domainNameConfiguration?.targetDomainName === target);
  expect(domainName, `${record.name} aliases an API Gateway domain name (${target})`).to.not.equal(
    undefined,
  );
  return domainName!.region!;
}

/** The hostname of a region's own execute-api endpoint. */
export function regionalHostname(resources: ResourceCapture, region: string): string {
  const apis = resources.ofType(API).filter((api) => api.region === region);
  expect(apis, `one HTTP API in ${region}`).to.have.length(1);
  return new URL(apis[0].outputs.apiEndpoint).hostname;
}

/** The health check a record uses, followed through calculated checks to the HTTPS one. */
export function endpointCheckOf(
  resources: ResourceCapture,
  healthCheckId: string,
): CapturedResource {
  const check = resources.byId(healthCheckId);
  expect(check, `a health check with id ${healthCheckId}`).to.not.equal(undefined);
  if (check!.inputs.type === "CALCULATED") {
    const children = (check!.inputs.childHealthchecks as string[]).map((id) => resources.byId(id)!);
    const https = children.filter((child) => child.inputs.type === "HTTPS");
    expect(https, `${check!.name} has one HTTPS child`).to.have.length(1);
    return https[0];
  }
  return check!;
}

/**
 * Every record that routes to a region has a health check, and that check calls `/health`
 * over HTTPS on the aliased region's OWN execute-api hostname, never the global name.
 */
export function expectRecordsCheckTheirOwnRegion(resources: ResourceCapture): void {
  const routed = resources
    .ofType(RECORD)
    .filter(
      (r) => r.inputs.setIdentifier !== undefined && r.inputs.aliases?.[0]?.zoneId !== ZONE_ID,
    );
  expect(routed.length).to.be.greaterThan(0);
  for (const record of routed) {
    expect(record.inputs.healthCheckId, `${record.name} has a health check`).to.be.a("string");
    const region = aliasedRegion(resources, record);
    const check = endpointCheckOf(resources, record.inputs.healthCheckId);
    expect(check.inputs, `${record.name} -> ${check.name}`).to.include({
      type: "HTTPS",
      fqdn: regionalHostname(resources, region),
      resourcePath: "/health",
      port: 443,
      enableSni: true,
    });
    expect(check.inputs.fqdn).to.not.equal(GLOBAL_NAME);
    expect(check.inputs.fqdn).to.not.equal(record.inputs.name);
  }
}

/**
 * Every AWS resource below a region's RegionalService carries that region in its `region`
 * input, except IAM and Route 53 (global), which carry none.
 */
export function expectRegionalPlacement(resources: ResourceCapture, regions: string[]): void {
  const services = resources.ofType(REGIONAL_SERVICE);
  expect(services.map((s) => s.outputs.region)).to.have.members(regions);
  for (const service of services) {
    const region = service.outputs.region;
    const children = resources.descendantsOf(service).filter((r) => r.custom);
    expect(children.length).to.be.greaterThan(10);
    for (const child of children) {
      const global = child.type.startsWith("aws:iam/") || child.type.startsWith("aws:route53/");
      expect(child.inputs.region, `${child.type} ${child.name}`).to.equal(
        global ? undefined : region,
      );
    }
  }
  for (const record of resources.ofType(RECORD)) {
    expect(record.inputs.region, record.name).to.equal(undefined);
  }
}
