// Schedule expressions of EventBridge rules and EventBridge Scheduler (issue 17). No imports, so
// stack settings can check them without loading the AWS provider.

/**
 * Schedule expressions. Rules: `rate(value unit)` (unit singular for 1, plural otherwise) and
 * six-field `cron(...)` with `?` in day-of-month or day-of-week (EventBridge User Guide,
 * "Schedule expressions for rules"); Scheduler also `at(yyyy-mm-ddThh:mm:ss)` (EventBridge
 * Scheduler User Guide, "Schedule types").
 */
export function scheduleExpressionProblem(
  expression: unknown,
  allowAt: boolean,
): string | undefined {
  const allowed =
    'must be "rate(<n> minute|minutes|hour|hours|day|days)", "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)" with ? in day-of-month or day-of-week' +
    (allowAt ? ', or "at(yyyy-mm-ddThh:mm:ss)"' : " (rules take no at(...))");
  if (typeof expression !== "string") return allowed;
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const singular = !rate[2].endsWith("s");
    if (value < 1) return allowed;
    return (value === 1) === singular
      ? undefined
      : `${allowed}; the unit is singular for 1 and plural otherwise ("rate(1 hour)", "rate(5 minutes)")`;
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6) return `${allowed}; cron takes 6 fields, this has ${fields.length}`;
    if (fields[2] !== "?" && fields[4] !== "?") return allowed;
    for (const [index, field] of fields.entries()) {
      const problem = cronFieldProblem(CRON_FIELDS[index], field);
      if (problem) return `${allowed}; ${problem}`;
    }
    return undefined;
  }
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (allowAt && at) {
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number);
    // A real calendar date and time: Date.UTC rolls 2026-02-30 over to March 2, so compare back.
    const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    const real =
      date.getUTCFullYear() === year &&
      date.getUTCMonth() === month - 1 &&
      date.getUTCDate() === day &&
      date.getUTCHours() === hour &&
      date.getUTCMinutes() === minute &&
      date.getUTCSeconds() === second;
    return real ? undefined : `${allowed}; ${expression} is not a real date and time`;
  }
  return allowed;
}

/** A cron field's allowed values (EventBridge User Guide, "Schedule expressions for rules", Cron expressions). */
interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names accepted for values (JAN-DEC, SUN-SAT), 1-based from `min`. */
  readonly names?: readonly string[];
  /** Extra wildcards this field takes: `?`, `L`, `W`, `#`. */
  readonly wildcards: string;
}

const CRON_FIELDS: readonly CronField[] = [
  { name: "minutes", min: 0, max: 59, wildcards: "" },
  { name: "hours", min: 0, max: 23, wildcards: "" },
  { name: "day-of-month", min: 1, max: 31, wildcards: "?LW" },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
    wildcards: "",
  },
  {
    name: "day-of-week",
    min: 1,
    max: 7,
    names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
    wildcards: "?L#",
  },
  { name: "year", min: 1970, max: 2199, wildcards: "" },
];

/** Why one cron field is out of range, or undefined: values, ranges a-b, lists, increments x/y. */
function cronFieldProblem(field: CronField, value: string): string | undefined {
  const range = `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : ""}`;
  const problem = `cron ${field.name} is "${value}": values must be ${range}`;
  const valueOk = (token: string): boolean => {
    if (field.names?.includes(token.toUpperCase())) return true;
    if (!/^\d+$/.test(token)) return false;
    const number = Number(token);
    return number >= field.min && number <= field.max;
  };
  if (value === "?")
    return field.wildcards.includes("?")
      ? undefined
      : `${problem} (? only in day-of-month or day-of-week)`;
  for (const part of value.split(",")) {
    if (part === "*") continue;
    if (field.wildcards.includes("L") && part === "L") continue;
    // `LW` and `<day>W` (day-of-month), `<day>L` and `<day>#<1-5>` (day-of-week).
    if (field.name === "day-of-month" && /^(L|\d+)W$/.test(part)) {
      if (part === "LW" || valueOk(part.slice(0, -1))) continue;
      return problem;
    }
    if (field.name === "day-of-week" && /^[^#]+#[1-5]$/.test(part)) {
      if (valueOk(part.split("#")[0])) continue;
      return problem;
    }
    if (field.name === "day-of-week" && /^.+L$/.test(part)) {
      if (valueOk(part.slice(0, -1))) continue;
      return problem;
    }
    const [base, step, extra] = part.split("/");
    if (extra !== undefined) return problem;
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return problem;
    if (base === "*") continue;
    const bounds = base.split("-");
    if (bounds.length > 2 || !bounds.every(valueOk)) return problem;
  }
  return undefined;
}
