// What a violation tells the user to change, in this package's terms: the component and its arg
// (in brackets, as the components' own validation errors name them) or the stack config key.
// Kept in one place so that the wording follows the components' public API when it changes.

export const fix = {
  gradualShift:
    "Fix: set TrafficShiftedFunction [trafficShifting.type] (stack config `deployment.type`) to a " +
    'canary or linear type, e.g. `"Canary10Percent10Minutes"` or `{ linear: { percentage: 10, intervalMinutes: 2 } }`, ' +
    'or use `trafficShifting.mode: "weighted"` with a pinned `stableVersion` and a `weight` ' +
    "(stack config `deployment`), where the alias moves only when the config says so",
  deploymentGroupShape:
    "Fix: let TrafficShiftedFunction create the deployment group (it sets BLUE_GREEN with " +
    "WITH_TRAFFIC_CONTROL, as SAM and CDK do) instead of declaring one by hand",
  rollback:
    "Fix: keep TrafficShiftedFunction's rollback defaults (rollback on DEPLOYMENT_FAILURE, " +
    "DEPLOYMENT_STOP_ON_ALARM and DEPLOYMENT_STOP_ON_REQUEST)",
  alarms:
    "Fix: keep TrafficShiftedFunction [alarms.createDefaults] (DeploymentAlarms: error sum, duration " +
    "regression, throttles) or list alarms in [alarms.additionalAlarmNames] (stack config `alarms`)",
  tooManyAlarms:
    "Fix: pass at most 10 alarms in total ([alarms.additionalAlarmNames] plus the defaults); combine the rest in a composite alarm",
  publishedVersion:
    "Fix: publish versions (TrafficShiftedFunction sets `publish: true`) and point the alias at " +
    "`function.version`",
  oneVersionAtATime:
    "Fix: shift to one new version at a time (weighted mode: [trafficShifting.weight], stack config " +
    "`deployment.weight`, moves traffic from [trafficShifting.stableVersion] to the newly published one)",
  weightRange:
    "Fix: set [trafficShifting.weight] (stack config `deployment.weight`) to a fraction between 0.0 and 1.0, e.g. 0.1 for 10%",
  healthCheckOnRecord:
    "Fix: route through MultiRegionService, which gives each regional record its region's health " +
    "check (`healthCheckId`) and a `setIdentifier`",
  routingSet:
    "Fix: declare the routing in MultiRegionService [routing] (stack config `routing`) instead of " +
    "adding records by hand",
  detectionTime:
    "Fix: lower MultiRegionService [healthCheck.requestInterval] (10 or 30) or " +
    "[healthCheck.failureThreshold] (1-10) (stack config `healthCheck`); detection takes about " +
    "interval x threshold seconds",
  healthCheckPath:
    "Fix: let RegionalService create the health check; it checks `GET /health` on the region's " +
    "own API endpoint",
  regionalTarget:
    "Fix: point the health check at the region's own endpoint (the regional API hostname that " +
    "RegionalService creates), never at the name Route 53 routes",
  regions:
    "Fix: serve from at least two regions: MultiRegionService [primaryRegion] and [standbyRegions], " +
    "or [regions] (stack config `regions`)",
  noWildcardAction:
    "Fix: list the exact actions the function needs (e.g. `dynamodb:GetItem`), not `*` or `service:*`",
  noWildcardResource:
    "Fix: scope `Resource` to the ARNs the actions touch (e.g. the table ARN from " +
    "MultiRegionService's global table); only actions without resource-level permissions may use `*`",
  hookStatus:
    "Fix: scope the hook's `codedeploy:PutLifecycleEventHookExecutionStatus` to its deployment " +
    "group, `arn:aws:codedeploy:<region>:<account>:deploymentgroup:<application>/<group>`",
  functionUrlAuth:
    'Fix: set the function URL\'s `authorizationType: "AWS_IAM"`, or serve the function through ' +
    "RegionalService's HTTP API",
  publicPermission:
    "Fix: set `sourceArn` (e.g. the HTTP API's execution ARN) on the permission, or name a " +
    "specific principal",
  tracing: "Fix: leave TrafficShiftedFunction [tracing] at its default, `Active`",
  limits:
    "Fix: set TrafficShiftedFunction [timeout] and [memorySize] (stack config `function.timeout`, `function.memorySize`)",
  logLevel:
    "Fix: set TrafficShiftedFunction [logLevel] (stack config `logLevel`) to INFO or WARN in production",
  failureDestination:
    "Fix: give the function a dead-letter queue (TrafficShiftedFunction [deadLetterTargetArn]) or an on-failure destination " +
    "(aws.lambda.FunctionEventInvokeConfig `destinationConfig.onFailure`)",
  tags:
    "Fix: give the package's components [tags] with environment, service and stack (they copy " +
    "their `tags` to every taggable child and add none of their own), or add the tags to the " +
    "resource, or set them as the provider's `defaultTags` (the bundled program does both, from " +
    "`loadStackSettings().tags`)",
  // Event sources (issue 17).
  invokeAlias:
    "Fix: give the function's source to TrafficShiftedFunction [eventSources] (it targets the alias " +
    "ARN), or name the alias yourself: the alias ARN as function name, endpoint or target, or " +
    "[qualifier] = the alias on an aws.lambda.Permission",
};
