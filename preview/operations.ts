// What the stack gives operators after the deploy (issue 16): its dashboard, its notification
// topics and their subscriptions, and the drills `npm run drill` can run against it.
import type { CapturedResource } from "../testing";
import { regionOf } from "./tree";

const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
// Each region of a service is a RegionalService (with its health check).
const HEALTH_CHECK_REGIONS = "multiregion-serverless:index:RegionalService";
const RECORD = "aws:route53/record:Record";

/** The operations section of the preview. */
export interface OperationsPlan {
  /** Dashboards: name and region. */
  dashboards: { name: string; region?: string }[];
  /** Notification topics: name, region and what is subscribed (`email:...`, `https:...`). */
  topics: { name: string; region?: string; subscriptions: string[] }[];
  /**
   * The drills this stack supports, as `npm run drill` commands: `failover <region>` per region
   * behind Route 53, then `rollback <function> <region>` per function deployed through CodeDeploy.
   */
  drills: string[];
  /**
   * On a prod stack: why the drills carry `--allow-prod` (drills/cli.ts refuses a prod stack
   * without it). Absent otherwise.
   */
  drillWarning?: string;
}

/** The operations plan of a stack's captured resources. */
export function operationsPlan(
  stack: string,
  resources: readonly CapturedResource[],
  environment?: string,
): OperationsPlan {
  // drills/cli.ts refuses a prod stack (environment "prod") without --allow-prod.
  const prod = environment === "prod";
  const drill = (args: string) => `npm run drill -- ${stack} ${args}${prod ? " --allow-prod" : ""}`;
  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  const topics = ofType(TOPIC).map((topic) => ({
    urn: topic.urn,
    name: String(topic.inputs.name ?? topic.name),
    region: regionOf(topic),
    subscriptions: [] as string[],
  }));
  for (const subscription of ofType(SUBSCRIPTION)) {
    // Topic ARNs are unknown at preview; a subscription is the topic's in the same region.
    const topic = topics.find((t) => t.region === regionOf(subscription));
    topic?.subscriptions.push(`${subscription.inputs.protocol}:${subscription.inputs.endpoint}`);
  }
  // The failover drill needs Route 53 records between two regions or more.
  const regionalServices = ofType(HEALTH_CHECK_REGIONS);
  const regionNames = regionalServices
    .map((service) => service.outputs.region ?? service.inputs.region)
    .filter((region): region is string => typeof region === "string");
  const failoverDrills =
    ofType(RECORD).length > 0 && regionNames.length > 1
      ? regionNames.map((region) => drill(`failover ${region}`))
      : [];
  // The rollback drill needs a CodeDeploy deployment group (`codedeploy` mode; drills/cli.ts
  // refuses `weighted` functions): the RegionalService's `deploymentGroupNames` output names
  // exactly those functions, by the key the stack's `functions` output uses.
  const rollbackDrills = regionalServices.flatMap((service) => {
    const region = service.outputs.region ?? service.inputs.region;
    const groups = service.outputs.deploymentGroupNames;
    if (typeof region !== "string" || typeof groups !== "object" || groups === null) return [];
    return Object.keys(groups).map((functionKey) => drill(`rollback ${functionKey} ${region}`));
  });
  return {
    dashboards: ofType(DASHBOARD).map((dashboard) => ({
      name: String(dashboard.inputs.dashboardName ?? dashboard.name),
      region: regionOf(dashboard),
    })),
    topics: topics.map(({ name, region, subscriptions }) => ({ name, region, subscriptions })),
    drills: [...failoverDrills, ...rollbackDrills],
    ...(prod && failoverDrills.length + rollbackDrills.length > 0
      ? {
          drillWarning:
            "this is a prod stack: each drill changes live traffic (a failover drill fails a region's health check; a rollback drill deploys a failing version), so the CLI runs it only with --allow-prod",
        }
      : {}),
  };
}

/** The section as the preview prints it. */
export function renderOperations(plan: OperationsPlan, bold: (text: string) => string): string[] {
  const lines = [bold("After the deploy")];
  lines.push(
    ...(plan.dashboards.length
      ? plan.dashboards.map((d) => `  dashboard ${d.name} (${d.region ?? "provider region"})`)
      : ["  no dashboard"]),
  );
  lines.push(
    ...(plan.topics.length
      ? plan.topics.map(
          (t) =>
            `  topic ${t.name} (${t.region ?? "provider region"}): ${t.subscriptions.join(", ") || "no subscriptions"}`,
        )
      : ["  no notification topics (config notifications)"]),
  );
  if (plan.drillWarning) lines.push(`  warning: ${plan.drillWarning}`);
  lines.push(
    ...(plan.drills.length
      ? plan.drills.map((drill) => `  drill: ${drill}`)
      : ["  no drills (one region, nothing to fail over to; no CodeDeploy group to roll back)"]),
  );
  return lines;
}
