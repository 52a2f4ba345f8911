// @ts-check
/**
 * Reads the service's feature flags from AWS AppConfig, one of two ways:
 *  - "extension": the AWS AppConfig Agent Lambda extension (a layer) serves the profile's
 *    current flags at http://localhost:2772/applications/<app>/environments/<env>/configurations/<profile>
 *    (AppConfig User Guide, "Retrieving configuration data from the AWS AppConfig Agent Lambda
 *    extension"); it caches them and polls AppConfig in the background.
 *  - "sdk": without the layer, AppConfig Data's StartConfigurationSession once, then
 *    GetLatestConfiguration no more often than NextPollIntervalInSeconds, keeping the last
 *    configuration (an empty Configuration means "unchanged": AppConfig Data API reference,
 *    GetLatestConfiguration). @aws-sdk/client-appconfigdata ships with the Node.js 18+ Lambda
 *    runtimes, so the function needs no bundled dependency for it.
 * Either way the answer is AppConfig's simplified feature-flag JSON:
 *   { "<flag>": { "enabled": true, "<attribute>": <value>, ... }, ... }
 * (AppConfig User Guide, "Understanding the type reference for AWS.AppConfig.FeatureFlags").
 * A failure to read is never an outage: the caller falls back to every flag off.
 */

/**
 * @typedef {Record<string, { enabled: boolean } & Record<string, unknown>>} Flags
 * @typedef {{ application: string, environment: string, profile: string }} FlagProfile
 */

/**
 * Flags from the extension's local HTTP endpoint.
 * @param {FlagProfile & { port?: number, fetch?: typeof fetch, timeoutMs?: number }} options
 * @returns {() => Promise<Flags>}
 */
function extensionFlagReader(options) {
  const port = options.port ?? 2772;
  const get = options.fetch ?? fetch;
  const url = `http://localhost:${port}/applications/${encodeURIComponent(options.application)}/environments/${encodeURIComponent(options.environment)}/configurations/${encodeURIComponent(options.profile)}`;
  return async () => {
    const response = await get(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 1000) });
    if (!response.ok) {
      throw new Error(`the AppConfig extension answered ${response.status} for ${url}`);
    }
    return /** @type {Flags} */ (await response.json());
  };
}

/**
 * Flags through AppConfig Data with an SDK client (injected in tests).
 *
 * A failed call never leaves the reader stuck: each configuration token is valid for one
 * GetLatestConfiguration call and for up to 24 hours, and an expired one answers
 * BadRequestException (AppConfig Data API reference, GetLatestConfiguration,
 * ConfigurationToken). So after any failure (expired or spent token, ThrottlingException, a
 * network error) the token is dropped and the next call starts a new session, no sooner than
 * a backoff (1 s doubling to 60 s); until then, and while it fails, the last flags read are
 * returned, or the error is thrown when none were ever read (the handler falls back).
 * @param {{ send(command: any): Promise<any> }} client an AppConfigDataClient
 * @param {FlagProfile & { now?: () => number, sdk?: any }} options
 * @returns {() => Promise<Flags>}
 */
function sdkFlagReader(client, options) {
  const now = options.now ?? Date.now;
  const sdk = () => options.sdk ?? require("@aws-sdk/client-appconfigdata");
  /** @type {string | undefined} */
  let token;
  let nextPollAt = 0;
  /** The last flags read; undefined until a read succeeds. @type {Flags | undefined} */
  let flags;
  let failures = 0;
  let retryAt = 0;
  /** @type {unknown} */
  let lastError;
  return async () => {
    if (token !== undefined && now() < nextPollAt) {
      return flags ?? {};
    }
    if (failures > 0 && now() < retryAt) {
      if (flags !== undefined) return flags;
      throw lastError;
    }
    try {
      if (token === undefined) {
        const session = await client.send(
          new (sdk().StartConfigurationSessionCommand)({
            ApplicationIdentifier: options.application,
            EnvironmentIdentifier: options.environment,
            ConfigurationProfileIdentifier: options.profile,
          }),
        );
        token = session.InitialConfigurationToken;
      }
      const latest = await client.send(
        new (sdk().GetLatestConfigurationCommand)({ ConfigurationToken: token }),
      );
      token = latest.NextPollConfigurationToken;
      nextPollAt = now() + (latest.NextPollIntervalInSeconds ?? 60) * 1000;
      failures = 0;
      const body = latest.Configuration ? Buffer.from(latest.Configuration).toString("utf8") : "";
      if (body !== "") {
        flags = JSON.parse(body);
      }
      return flags ?? {};
    } catch (error) {
      // The token may be spent or expired: a new session next time, after a backoff.
      token = undefined;
      failures += 1;
      retryAt = now() + Math.min(1000 * 2 ** (failures - 1), 60_000);
      lastError = error;
      if (flags !== undefined) return flags;
      throw error;
    }
  };
}

/**
 * The reader the environment asks for: APPCONFIG_APPLICATION, APPCONFIG_ENVIRONMENT and
 * APPCONFIG_PROFILE name the profile, FEATURE_FLAGS_READER is "extension" (default) or "sdk";
 * undefined when no profile is named (every flag off).
 * @param {NodeJS.ProcessEnv} env
 * @returns {(() => Promise<Flags>) | undefined}
 */
function flagReaderFromEnvironment(env) {
  const application = env.APPCONFIG_APPLICATION;
  const environment = env.APPCONFIG_ENVIRONMENT;
  const profile = env.APPCONFIG_PROFILE;
  if (!application || !environment || !profile) {
    return undefined;
  }
  if (env.FEATURE_FLAGS_READER === "sdk") {
    const { AppConfigDataClient } = require("@aws-sdk/client-appconfigdata");
    return sdkFlagReader(new AppConfigDataClient({ region: env.AWS_REGION }), {
      application,
      environment,
      profile,
    });
  }
  const port = Number(env.AWS_APPCONFIG_EXTENSION_HTTP_PORT) || 2772;
  return extensionFlagReader({ application, environment, profile, port });
}

module.exports = { extensionFlagReader, sdkFlagReader, flagReaderFromEnvironment };
