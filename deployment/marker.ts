/**
 * How a deployment says whose it is. CodeDeploy keeps no client token for `CreateDeployment`,
 * so the engine writes a tag into the deployment's description: the resource's marker (random,
 * chosen once when the resource is created and kept in its id, so no two resources or stacks
 * share it), the target version and the retry key. A deployment whose description carries
 * the tag of the current request is this request's deployment, whoever reports it: a listing,
 * a lost response retried, or CodeDeploy's `DeploymentLimitExceededException`.
 *
 * Length: "Number of characters in a deployment description: 100" (CodeDeploy User Guide,
 * "CodeDeploy quotas"); a longer one is refused with `DescriptionTooLongException`. The tag
 * is at most {@link MAX_TAG_LENGTH} characters, so the text before it gets the rest.
 */

/** CodeDeploy's limit on a deployment's description (CodeDeploy User Guide, quotas). */
export const CODEDEPLOY_DESCRIPTION_LIMIT = 100;

/**
 * The longest tag: `[pulumi:` + 8 hex + `:` + a version of up to 10 digits (Lambda versions
 * are integers; 10 digits is far beyond any function) + `:` + 4 hex + `]` = 33.
 */
export const MAX_TAG_LENGTH = 33;

/** The longest description a user may give: what is left of 100 after a space and the tag. */
export const MAX_DESCRIPTION_LENGTH = CODEDEPLOY_DESCRIPTION_LIMIT - MAX_TAG_LENGTH - 1;

/** Whose a deployment is. */
export interface DeploymentTag {
  /** The resource's marker (8 hex digits). */
  readonly marker: string;
  /** The version the deployment moves the alias to (absent in tags written before versions). */
  readonly targetVersion?: string;
  /** Which explicit retry of that version ({@link retryKey}); "0" for the first. */
  readonly retry?: string;
}

/** FNV-1a of the retry token, as 4 hex digits; "0" when there is none. */
export function retryKey(retryToken: string | undefined): string {
  if (retryToken === undefined || retryToken === "") {
    return "0";
  }
  let hash = 0x811c9dc5;
  for (let i = 0; i < retryToken.length; i++) {
    hash ^= retryToken.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash & 0xffff).toString(16).padStart(4, "0");
}

/** `[pulumi:0badf00d:4:0]` */
export function tagText(tag: Required<DeploymentTag>): string {
  return `[pulumi:${tag.marker}:${tag.targetVersion}:${tag.retry}]`;
}

/**
 * The tag in a description; older tags (`[pulumi:0badf00d]`) have the marker only. The engine
 * writes its tag last, so only a tag at the very end counts: a user's text before it that
 * looks like a tag can neither hide it nor stand in for it.
 */
export function parseTag(description: string | undefined): DeploymentTag | undefined {
  const match = /\[pulumi:([0-9a-f]{8})(?::(\d+):([0-9a-f]{1,4}))?\]$/.exec(description ?? "");
  if (!match) {
    return undefined;
  }
  return match[2]
    ? { marker: match[1], targetVersion: match[2], retry: match[3] }
    : { marker: match[1] };
}

/** True when `description` carries exactly this tag. */
export function hasTag(description: string | undefined, tag: Required<DeploymentTag>): boolean {
  const found = parseTag(description);
  return (
    found?.marker === tag.marker &&
    found.targetVersion === tag.targetVersion &&
    found.retry === tag.retry
  );
}

/**
 * The description sent with `CreateDeployment`: the user's text (or `pulumi up: <alias> ->
 * <version>`) shortened with an ellipsis to fit, then the tag; never over 100 characters.
 */
export function deploymentDescription(
  text: string | undefined,
  aliasName: string,
  tag: Required<DeploymentTag>,
): string {
  const suffix = ` ${tagText(tag)}`;
  const room = CODEDEPLOY_DESCRIPTION_LIMIT - suffix.length;
  const wanted = text ?? `pulumi up: ${aliasName} -> version ${tag.targetVersion}`;
  const fitted = wanted.length <= room ? wanted : `${wanted.slice(0, room - 1)}…`;
  return `${fitted}${suffix}`;
}
