"""The README's active-passive orders service, in Python.

`pulumi package add` (see README.md here) generates the `pulumi_multiregion_serverless` SDK
from the package's schema; its argument names are the schema's, in snake_case.
"""

import pulumi
import pulumi_multiregion_serverless as mrs

orders = mrs.MultiRegionService(
    "orders",
    topology=mrs.Topology.ACTIVE_PASSIVE,
    primary_region="us-east-1",
    standby_regions=["us-west-2", "eu-west-1"],
    functions={
        "orders": mrs.ServiceFunctionArgs(
            code=pulumi.FileArchive("./service/orders"),
            traffic_shifting=mrs.TrafficShiftingArgs(
                type=mrs.PredefinedDeploymentType.CANARY10_PERCENT10_MINUTES,
            ),
            alarms=mrs.TrafficShiftAlarmsArgs(duration_baseline_ms=120),
        ),
    },
    routes={"POST /orders": "orders", "GET /orders/{id}": "orders"},
    domain=mrs.ServiceDomainArgs(zone_id="Z0123456789EXAMPLE", name="api.example.com"),
    health_check=mrs.RegionalHealthCheckArgs(request_interval=10, failure_threshold=3),
    table=mrs.GlobalTableArgs(hash_key="orderId", protect_data=True),
    rollout_waves=True,
    tags={"environment": "prod", "service": "orders", "stack": pulumi.get_stack()},
)

pulumi.export("globalEndpoint", orders.global_endpoint)
pulumi.export("regionalEndpoints", orders.regional_endpoints)
pulumi.export("healthCheckIds", orders.health_check_ids)
pulumi.export("recordNames", orders.record_names)
