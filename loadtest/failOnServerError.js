// @ts-check
/**
 * Artillery `afterResponse` hook (config.processor of the generated load test): a 5xx or 429
 * answer fails the virtual user, so the ensure plugin's error-rate condition counts it. Artillery
 * itself only counts timeouts and connection errors as failures; a 500 or 503 would otherwise
 * pass, and so would throttling (429), which is a failure of the gate: the stack did not take
 * the load. Calling `done(error)` aborts the user's flow and is reported as `errors.<message>`
 * (Artillery http engine, afterResponse processors). Callback style: Artillery calls a plain
 * function with `(requestParams, response, context, events, done)`.
 *
 * @param {unknown} _request
 * @param {{ statusCode: number }} response
 * @param {unknown} _context
 * @param {unknown} _events
 * @param {(error?: Error) => void} done
 */
function failOnServerError(_request, response, _context, _events, done) {
  if (response.statusCode >= 500 || response.statusCode === 429) {
    return done(new Error(`HTTP ${response.statusCode}`));
  }
  return done();
}

module.exports = { failOnServerError };
