/**
 * A `GetAlias` answer (Lambda API reference, GetAlias response: `AliasArn`, `Name`,
 * `FunctionVersion`, `RoutingConfig.AdditionalVersionWeights`): `version` with `weights`.
 */
export function alias(version: string, weights?: Record<string, number>) {
  return {
    AliasArn: "arn:aws:lambda:eu-west-1:111122223333:function:orders-fn:live",
    Name: "live",
    FunctionVersion: version,
    RoutingConfig: weights ? { AdditionalVersionWeights: weights } : undefined,
  };
}

/**
 * CodeDeploy's implicit-deny text for `codedeploy:<action>` on the deployment group
 * `<application>/<group>` of eu-west-1 (IAM User Guide, "Troubleshoot access denied error
 * messages": "User: <caller> is not authorized to perform: <action> on resource: <resource>
 * because no identity-based policy allows the <action> action"; the deployment group is the
 * resource type of CreateDeployment, GetDeployment, ListDeployments and GetDeploymentGroup in
 * the Service Authorization Reference). The caller is an STS assumed-role session.
 */
export function deniedOnGroup(action: string, application = "orders", group = "orders-live") {
  return (
    "User: arn:aws:sts::111122223333:assumed-role/orders-deployer/pulumi-up is not authorized " +
    `to perform: codedeploy:${action} on resource: arn:aws:codedeploy:eu-west-1:111122223333:` +
    `deploymentgroup:${application}/${group} because no identity-based policy allows the ` +
    `codedeploy:${action} action`
  );
}

/**
 * Lambda's implicit-deny text for `lambda:<action>` on the function orders-fn of eu-west-1 (the
 * same IAM wording; the function is the resource type of GetAlias, ListAliases,
 * ListVersionsByFunction and DeleteFunction in the Service Authorization Reference), as the
 * simulator's `denied` fault answers. For DeleteFunction with a Qualifier the unqualified ARN is
 * assumed (see the simulator's `deniedMessage`: no captured denial of a qualified delete). The
 * wording matches real captures, e.g. awslabs/aws-deployment-framework#460 ("... is not
 * authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:...:function:X
 * because no identity-based policy allows the lambda:InvokeFunction action").
 */
export function deniedOnFunction(action: string) {
  return (
    "User: arn:aws:sts::111122223333:assumed-role/orders-deployer/pulumi-up is not authorized " +
    `to perform: lambda:${action} on resource: arn:aws:lambda:eu-west-1:111122223333:` +
    `function:orders-fn because no identity-based policy allows the lambda:${action} action`
  );
}
