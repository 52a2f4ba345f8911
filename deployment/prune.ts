/**
 * Deletes old published versions of a function after a successful deployment, so that
 * Lambda's per-region code storage (75 GB by default, Lambda quotas) does not fill up with one
 * version per `pulumi up`.
 *
 * Never deleted: the newest `keep` versions, `$LATEST`, any version an alias of the function
 * serves (its `FunctionVersion` and every version in `RoutingConfig.AdditionalVersionWeights`,
 * whatever the alias), the versions the caller names (target and previous), and nothing at
 * all while a deployment is running in the group (it may be about to shift to or back to any
 * version). Lambda itself refuses to delete a version an alias references
 * (`DeleteFunction`: "You can't delete a version that an alias references"), which is a
 * second guard, not the first.
 *
 * Sources: Lambda API reference `ListVersionsByFunction` (`Versions[].Version`, `NextMarker`,
 * `MaxItems` up to 50), `ListAliases` (`Aliases[]`, `NextMarker`), `DeleteFunction` with
 * `Qualifier` (deletes one version; 204; `ResourceConflictException` 409).
 */
import { isRetryableError } from "./awsErrors";
import { CallFailure, DeploymentClients, failureText, Reporter, Session } from "./calls";
import { GroupName, listDeployments, loadSdk } from "./observe";
import { Clock, formatDuration, systemClock } from "./timing";

/** At most this many versions are deleted per run (each is one `DeleteFunction` call). */
export const MAX_DELETIONS_PER_RUN = 50;

/** Default number of published versions kept. */
export const DEFAULT_KEEP_VERSIONS = 5;

/**
 * How long pruning may take: its requests (throttling retried, see `Session.send`) end within
 * this, so pruning never holds a `pulumi up` that already succeeded for long.
 */
export const PRUNE_BUDGET_MS = 120_000;

/** What to prune. */
export interface PruneRequest extends GroupName {
  readonly functionName: string;
  /** How many of the newest published versions to keep (>= 1); 0 disables pruning. */
  readonly keep: number;
  /** Versions never to delete (the target and the previous version). */
  readonly protect: readonly string[];
}

/** What {@link pruneVersions} did. */
export interface PruneResult {
  readonly deleted: string[];
  /** Why nothing or not everything was deleted, when so. */
  readonly skipped?: string;
}

/**
 * Deletes published versions beyond the newest `keep`, except protected ones. Best effort:
 * it never throws, so a pruning problem never fails a deployment that succeeded.
 */
export async function pruneVersions(
  request: PruneRequest,
  clients: DeploymentClients,
  report: Reporter,
  clock: Clock = systemClock,
): Promise<PruneResult> {
  if (request.keep <= 0) {
    return { deleted: [], skipped: "pruning disabled (keepVersions: 0)" };
  }
  const sdk = await loadSdk();
  const session = new Session(clients, clock, report, { deadline: clock.now() + PRUNE_BUDGET_MS });
  try {
    const running = await listDeployments(session, sdk, request, { activeOnly: true });
    if (running.length > 0) {
      const skipped = `deployment ${running[0]} is running; old versions are pruned after it`;
      report(`not pruning versions: ${skipped}`);
      return { deleted: [], skipped };
    }
    const versions: number[] = [];
    for (const entry of await listAllPages<{ Version?: string }>(
      session,
      `ListVersionsByFunction ${request.functionName}`,
      (Marker) =>
        new sdk.lambda.ListVersionsByFunctionCommand({
          FunctionName: request.functionName,
          Marker,
          MaxItems: 50,
        }),
      (page) => page.Versions,
    )) {
      // Published versions only: the listing also holds `$LATEST` (a version is `$LATEST` or
      // a number: Lambda API reference, FunctionConfiguration `Version`).
      if (entry.Version && /^\d+$/.test(entry.Version)) {
        versions.push(Number(entry.Version));
      }
    }

    // `FunctionVersion` is required in an alias (Lambda API reference, AliasConfiguration), so
    // each alias adds its version; an absent one would add `undefined`, which no version equals.
    const protectedVersions = new Set<string | undefined>(request.protect);
    for (const alias of await listAllPages<{
      FunctionVersion?: string;
      RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
    }>(
      session,
      `ListAliases ${request.functionName}`,
      (Marker) =>
        new sdk.lambda.ListAliasesCommand({
          FunctionName: request.functionName,
          Marker,
          MaxItems: 50,
        }),
      (page) => page.Aliases,
    )) {
      protectedVersions.add(alias.FunctionVersion);
      for (const version of Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {})) {
        protectedVersions.add(version);
      }
    }

    const newestFirst = [...new Set(versions)].sort((a, b) => b - a);
    const eligible = newestFirst
      .slice(request.keep)
      .map(String)
      .filter((version) => !protectedVersions.has(version));
    // Oldest first, and at most MAX_DELETIONS_PER_RUN: a function with hundreds of old
    // versions (pruning newly enabled) is cleaned over several updates, not in one long one.
    const candidates = eligible.reverse().slice(0, MAX_DELETIONS_PER_RUN);
    const deleted: string[] = [];
    let attempted = 0;
    let budgetSpent = false;
    for (const version of candidates) {
      attempted++;
      try {
        await session.send(
          `DeleteFunction ${request.functionName}:${version}`,
          session.clients.lambda,
          new sdk.lambda.DeleteFunctionCommand({
            FunctionName: request.functionName,
            Qualifier: version,
          }),
        );
        deleted.push(version);
      } catch (error) {
        // Referenced meanwhile (ResourceConflictException) or already gone: leave it.
        report(`kept version ${version}: ${failureText(error)}`);
        // A transient error (throttling, 5xx, time-out) fails only once the session's retries
        // would run past the budget: the other versions wait for the next update too.
        if (isRetryableError((error as CallFailure).cause)) {
          budgetSpent = true;
          break;
        }
      }
    }
    if (deleted.length > 0) {
      report(
        `pruned ${deleted.length} old version${deleted.length > 1 ? "s" : ""} of ${request.functionName} ` +
          `(${deleted.join(", ")}); keeping the newest ${request.keep} and every version an alias serves`,
      );
    }
    const left = eligible.length - attempted;
    if (left > 0) {
      const why = budgetSpent
        ? `pruning's ${formatDuration(PRUNE_BUDGET_MS)} budget ran out`
        : `at most ${MAX_DELETIONS_PER_RUN} are deleted per run`;
      const skipped = `${left} more old version${left > 1 ? "s" : ""} left for the next update (${why})`;
      report(skipped);
      return { deleted, skipped };
    }
    return { deleted };
  } catch (error) {
    const skipped = failureText(error);
    report(`could not prune old versions (${skipped}); the deployment itself is unaffected`);
    return { deleted: [], skipped };
  }
}

/**
 * Every item of a paginated Lambda listing (`Marker` in, `NextMarker` out: Lambda API
 * reference, ListVersionsByFunction and ListAliases), each page sent through the session.
 */
async function listAllPages<T>(
  session: Session,
  label: string,
  command: (marker: string | undefined) => unknown,
  items: (page: Record<string, T[] | undefined>) => T[] | undefined,
): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  do {
    const page = await session.send<Record<string, T[] | undefined> & { NextMarker?: string }>(
      label,
      session.clients.lambda,
      command(marker),
    );
    all.push(...(items(page) ?? []));
    marker = page.NextMarker;
  } while (marker);
  return all;
}
