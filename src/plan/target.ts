/**
 * What the planner is given about a target. It lives in plan/ because planning,
 * `explain` and `lint` read it offline; the engine and the drivers import it
 * from here (engine -> plan, never the reverse).
 */
import type { SchemaDef } from '../schema/define.js';
import type { Capabilities, DriverName } from './capabilities.js';
import type { Diagnostic } from './diagnostics.js';
import type { Operation } from './plan.js';

/** Static, connection-free description of a target: enough to plan, explain and lint offline. */
export interface TargetDescriptor {
  readonly driver: DriverName;
  readonly capabilities: Capabilities;
  /** OpenTelemetry's `db.system.name` for its spans ('postgresql', 'aws.dynamodb'); default: `capabilities.target`. */
  readonly dbSystem?: string;
  /** One line (or a few) describing an operation: SQL text, or the DynamoDB request. */
  describe(op: Operation): string;
  /** Schema-level problems on this target (e.g. a hasMany without an index on DynamoDB). */
  checkSchema(schema: SchemaDef): Diagnostic[];
}
