/**
 * The CLI cannot run: a missing or broken config, a schema that does not load,
 * source files TypeScript cannot parse. Commands turn it into exit code 2 with
 * the reason, distinct from "ran and found problems" (exit 1).
 */
export class ProjectError extends Error {
  override name = 'ProjectError';
  readonly exitCode = 2;
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/** quern.config.ts holds a bad value: `field` names it as written there (`targets`, `postgres.url`). */
export class ConfigError extends ProjectError {
  override name = 'ConfigError';
  constructor(
    readonly path: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}
