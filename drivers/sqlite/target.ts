/** Connection-free description of the SQLite target: enough to plan, explain and lint offline. */
import { sqliteCapabilities } from '../../src/plan/capabilities.js';
import type { TargetDescriptor } from '../../src/engine/driver.js';
import { sqlTarget } from '../../src/engine/sql/target.js';
import { serialize } from './serialize.js';

const sql = sqlTarget(serialize);

export const serializeCached = sql.serializeCached;

export const sqliteTarget: TargetDescriptor = sql.descriptor('sqlite', sqliteCapabilities);
