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
