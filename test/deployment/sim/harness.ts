/**
 * Drives the LambdaDeployment provider the way the Pulumi engine does (create, or check +
 * diff + update with the recorded state; partial failures keep their properties; delete with
 * the state), against the simulator, and checks the engine's promises after every operation.
 */
import {
  LambdaDeploymentInputs,
  LambdaDeploymentOutputs,
  lambdaDeploymentProvider,
} from "../../../deployment/provider";
import { POLL_INTERVAL_MAX_MS } from "../../../deployment/timing";
import { AwsSimulator } from "./awsSimulator";
import { VirtualClock } from "./virtualClock";

/** What one `pulumi up` (or preview, or destroy) did. */
export interface OperationRecord {
  readonly kind: "up" | "preview" | "destroy";
  readonly started: number;
  readonly ended: number;
  readonly outcome: "success" | "failure" | "no-change" | "crashed";
  readonly message?: string;
  /** The properties recorded (outs or a partial failure's properties). */
  readonly recorded?: LambdaDeploymentOutputs;
  /** `kind` of the engine's failure, when it gave one. */
  readonly failureKind?: string;
  readonly createdDeployments: string[];
  /** Deployments foreign actors started while the operation ran. */
  readonly foreignDuring: string[];
  readonly aliasAtStart: { version: string; weights: Record<string, number> };
  readonly activeAtStart: number;
  readonly inputs: LambdaDeploymentInputs;
  /** The resource's marker (from its id) when the operation started. */
  readonly marker?: string;
  readonly diffChanges?: boolean;
  readonly log: string[];
}

/** The Pulumi state of the resource between operations. */
export interface ResourceState {
  id?: string;
  outputs?: LambdaDeploymentOutputs;
}

/** A stack with one LambdaDeployment over a simulator. */
export class SimulatedStack {
  readonly state: ResourceState = {};
  readonly operations: OperationRecord[] = [];
  readonly log: string[] = [];
  private crashes = 0;

  constructor(
    readonly sim: AwsSimulator,
    readonly clock: VirtualClock,
  ) {}

  /** `pulumi up` with these inputs; `crashAfterMs` kills the process that long after it starts. */
  async up(
    inputs: LambdaDeploymentInputs,
    opts: { crashAfterMs?: number } = {},
  ): Promise<OperationRecord> {
    return this.operation("up", inputs, opts.crashAfterMs);
  }

  /** `pulumi preview`: diff only. */
  async preview(inputs: LambdaDeploymentInputs): Promise<OperationRecord> {
    return this.operation("preview", inputs);
  }

  /** `pulumi destroy`. */
  async destroy(): Promise<OperationRecord> {
    return this.operation("destroy", this.state.outputs as LambdaDeploymentInputs);
  }

  private async operation(
    kind: OperationRecord["kind"],
    inputs: LambdaDeploymentInputs,
    crashAfterMs?: number,
  ): Promise<OperationRecord> {
    const started = this.clock.now();
    const marker = this.state.id?.split("/")[2];
    const before = new Set(this.sim.deployments.map((deployment) => deployment.id));
    const aliasAtStart = this.sim.aliasNow();
    const activeAtStart = this.sim.active().length;
    const logStart = this.log.length;
    // Each operation gets clients of its own, so a crash kills only its own process.
    let dead = false;
    const origin = this.operations.length;
    const base = this.sim.clients(origin);
    // A killed process sends nothing more and hears nothing more (a request already sent
    // still reaches AWS).
    const guarded = (client: { send: (command: any, options?: any) => Promise<any> }) => ({
      send: (command: any, options?: any) =>
        dead
          ? new Promise(() => undefined)
          : client.send(command, options).then(
              (answer) => (dead ? new Promise(() => undefined) : answer),
              (error) => (dead ? new Promise(() => undefined) : Promise.reject(error)),
            ),
    });
    const provider = lambdaDeploymentProvider({
      clients: async () => ({ codedeploy: guarded(base.codedeploy), lambda: guarded(base.lambda) }),
      clock: this.clock,
      log: (line) => {
        if (!dead) {
          this.log.push(line);
        }
      },
    });
    let outcome: OperationRecord["outcome"] = "success";
    let message: string | undefined;
    let recorded: LambdaDeploymentOutputs | undefined;
    let failureKind: string | undefined;
    let diffChanges: boolean | undefined;

    const work = (async () => {
      if (kind === "destroy") {
        await provider.delete!(this.state.id!, this.state.outputs!);
        return;
      }
      if (!this.state.id) {
        if (kind === "preview") {
          diffChanges = true;
          return;
        }
        const created = await provider.create(inputs);
        this.state.id = created.id;
        recorded = created.outs;
        return;
      }
      const checked = await provider.check!(this.state.outputs!, inputs);
      if (checked.failures?.length) {
        throw new Error(checked.failures.map((failure) => failure.reason).join("; "));
      }
      const diff = await provider.diff!(this.state.id, this.state.outputs!, inputs);
      diffChanges = diff.changes;
      if (kind === "preview" || !diff.changes) {
        outcome = "no-change";
        return;
      }
      recorded = (await provider.update!(this.state.id, this.state.outputs!, inputs)).outs;
    })();

    try {
      if (crashAfterMs !== undefined) {
        const crash = this.clock.sleep(crashAfterMs).then(() => "crash" as const);
        const result = await this.clock.drive(
          Promise.race([work.then(() => "done" as const), crash]),
        );
        if (result === "crash") {
          dead = true;
          this.crashes++;
          outcome = "crashed";
          work.catch(() => undefined);
        }
      } else {
        await this.clock.drive(work);
      }
    } catch (error: any) {
      outcome = "failure";
      message = String(error?.message ?? error);
      failureKind = error?.kind;
      if (error?.id && error?.properties) {
        // The engine records a partial failure's properties as the new state.
        this.state.id = error.id;
        recorded = error.properties as LambdaDeploymentOutputs;
      } else if (kind === "up" && !this.state.id) {
        recorded = undefined;
      }
    }
    if (recorded && outcome !== "crashed") {
      this.state.outputs = recorded;
    } else if (kind === "destroy" && outcome === "success") {
      this.state.id = undefined;
      this.state.outputs = undefined;
    }
    const record: OperationRecord = {
      kind,
      started,
      ended: this.clock.now(),
      outcome,
      message,
      recorded: outcome === "crashed" ? undefined : recorded,
      failureKind,
      createdDeployments: this.sim.deployments
        .filter((deployment) => deployment.origin === origin)
        .map((deployment) => deployment.id),
      foreignDuring: this.sim.deployments
        .filter(
          (deployment) =>
            !before.has(deployment.id) && !deployment.viaEngine && deployment.creator === "user",
        )
        .map((deployment) => deployment.id),
      aliasAtStart,
      activeAtStart,
      inputs,
      marker,
      diffChanges,
      log: this.log.slice(logStart),
    };
    this.operations.push(record);
    return record;
  }
}

/** Slack allowed past `timeoutMinutes`: one poll interval. */
export const DEADLINE_SLACK_MS = POLL_INTERVAL_MAX_MS;

/**
 * The engine's promises, checked after an operation; returns the broken ones (empty: all
 * kept). `transientOnly`: the scenario had no crash, no foreign deployment and a deadline
 * long enough, so the update must succeed when the deployment's fate is success.
 */
export function brokenPromises(
  sim: AwsSimulator,
  record: OperationRecord,
  opts: { mustSucceed?: boolean } = {},
): string[] {
  const broken: string[] = [];
  const alias = sim.aliasNow();
  const target = record.inputs?.targetVersion;
  const exact = (a: { version: string; weights: Record<string, number> }) =>
    a.version === target && Object.keys(a.weights).length === 0;
  if (record.kind === "up" && record.outcome === "crashed") {
    return broken;
  }
  if (record.kind === "up") {
    if (record.outcome === "success" && !record.inputs.waitForCompletion) {
      // Not waiting: success says "this request's deployment exists" (or nothing was needed).
      const id = record.recorded?.deploymentId;
      const deployment = sim.deployments.find((candidate) => candidate.id === id);
      if (record.recorded?.status === "Created" && deployment?.target !== target) {
        broken.push(
          `reported deployment ${id} created, but no such deployment of ${target} exists`,
        );
      }
    } else if (record.outcome === "success") {
      if (!exact(alias)) {
        broken.push(
          `reported success but the alias serves ${alias.version} ${JSON.stringify(alias.weights)}, not exactly ${target}`,
        );
      }
      // A foreign actor may start one just as the update returns; anything else running (a
      // rollback above all) means the update did not wait for the truth.
      const stillRunning = sim
        .active()
        .filter(
          (deployment) =>
            deployment.viaEngine ||
            deployment.creator === "codeDeployRollback" ||
            deployment.createTime < record.ended - 30_000,
        );
      if (stillRunning.length > 0) {
        broken.push(
          `reported success while ${stillRunning[0].id} is still ${stillRunning[0].status}`,
        );
      }
      const created = record.createdDeployments.map((id) =>
        sim.deployments.find((d) => d.id === id)!,
      );
      if (created.some((deployment) => deployment.status !== "Succeeded")) {
        broken.push("reported success although a deployment it created did not succeed");
      }
    }
    if (record.createdDeployments.length > 1) {
      broken.push(`created ${record.createdDeployments.length} deployments in one update`);
    }
    if (
      exact(record.aliasAtStart) &&
      record.activeAtStart === 0 &&
      record.foreignDuring.length === 0 &&
      record.createdDeployments.length > 0
    ) {
      broken.push("created a deployment although the alias already served the target");
    }
    // A version this resource saw fail or roll back is deployed again only when asked (a new
    // retryToken changes the tag's retry key): the same tag ended Failed or Stopped before.
    for (const id of record.createdDeployments) {
      const created = sim.deployments.find((deployment) => deployment.id === id)!;
      const tag = /\[pulumi:[0-9a-f]{8}:\d+:[0-9a-f]{1,4}\]$/.exec(created.description ?? "")?.[0];
      const rolledBack = sim.deployments.find(
        (earlier) =>
          tag !== undefined &&
          earlier.id !== id &&
          earlier.creator === "user" &&
          earlier.viaEngine &&
          earlier.createTime < record.started &&
          (earlier.status === "Failed" || earlier.status === "Stopped") &&
          earlier.description?.endsWith(tag),
      );
      if (rolledBack) {
        broken.push(
          `deployed version ${created.target} again (${id}) although ${rolledBack.id} of it ended ${rolledBack.status} and retryToken did not change`,
        );
      }
    }
    for (const id of record.createdDeployments) {
      if (sim.deployments.find((deployment) => deployment.id === id)?.staleAppSpec) {
        broken.push(`deployment ${id} was created from a stale CurrentVersion`);
      }
    }
    if (record.outcome === "failure") {
      const text = record.message ?? "";
      if (!text.trim()) {
        broken.push("failed with an empty message");
      }
      const namesDeployment = /d-[A-Z0-9]+/.test(text);
      const saysNoneStarted =
        /No deployment of version/.test(text) &&
        /(Still running in the deployment group|Nothing of this update is running)/.test(text);
      if (!namesDeployment && !saysNoneStarted) {
        broken.push(`failure names no deployment and does not say none was started: ${text}`);
      }
      if (
        ["failed", "stopped", "rolled-back-earlier"].includes(record.failureKind ?? "") &&
        !/CodeDeploy's reason: /.test(text)
      ) {
        broken.push(`failure of a deployment without CodeDeploy's reason: ${text}`);
      }
      if (opts.mustSucceed) {
        broken.push(`failed although only transient faults happened: ${text}`);
      }
    }
    const limit = (record.inputs.timeoutMinutes ?? 60) * 60_000 + DEADLINE_SLACK_MS;
    if (record.ended - record.started > limit) {
      broken.push(
        `took ${record.ended - record.started} ms, more than timeoutMinutes + one poll interval (${limit} ms)`,
      );
    }
    if (record.recorded && (record.outcome === "success" || record.outcome === "failure")) {
      const outs = record.recorded;
      if (outs.deployedVersion !== undefined) {
        if (
          outs.deployedVersion !== alias.version ||
          JSON.stringify(outs.routingWeights ?? {}) !== JSON.stringify(alias.weights)
        ) {
          // The alias may have moved after the final read only if a deployment is running.
          if (sim.active().length === 0 || record.outcome === "success") {
            broken.push(
              `outputs say ${outs.deployedVersion} ${JSON.stringify(outs.routingWeights ?? {})} but the alias serves ${alias.version} ${JSON.stringify(alias.weights)}`,
            );
          }
        }
      } else if (!/could not be read/.test(record.message ?? "")) {
        broken.push("outputs have no deployedVersion and the message does not say why");
      }
    }
  }
  if (record.kind === "destroy") {
    if (record.outcome === "success") {
      // This resource's deployments (its marker in the description); a crashed create's
      // deployments belong to a resource Pulumi never recorded, and are rightly left alone.
      // Known limit (docs/deployments.md, Deletion): a deployment that a killed `pulumi up`
      // created and never recorded is invisible until listings show it, so a delete within
      // that window (LISTING_SETTLE_MS) cannot find it.
      const recorded = (record.inputs as { deploymentId?: string } | undefined)?.deploymentId;
      const ours = sim
        .active()
        .filter(
          (deployment) =>
            record.marker !== undefined &&
            deployment.creator === "user" &&
            deployment.description?.includes(`[pulumi:${record.marker}:`) &&
            deployment.createTime < record.started &&
            (deployment.id === recorded ||
              record.started - deployment.createTime >= sim.setup.listLagMs),
        );
      if (ours.length > 0) {
        broken.push(`deleted while our deployment ${ours[0].id} still runs`);
      }
    } else if (!/stop|Stop/.test(record.message ?? "")) {
      broken.push(`delete failed without saying what to stop: ${record.message}`);
    }
  }
  return broken;
}
