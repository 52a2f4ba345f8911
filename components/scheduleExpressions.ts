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
    return fields[2] === "?" || fields[4] === "?" ? undefined : allowed;
  }
  if (allowAt && /^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/.test(expression)) return undefined;
  return allowed;
}
