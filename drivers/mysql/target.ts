/** Connection-free description of the MySQL target: enough to plan, explain and lint offline. */
import { mysqlCapabilities } from '../../src/plan/capabilities.js';
import type { TargetDescriptor } from '../../src/engine/driver.js';
import { sqlTarget } from '../../src/engine/sql/target.js';
import { serialize } from './serialize.js';

const sql = sqlTarget(serialize);

export const serializeCached = sql.serializeCached;

export const mysqlTarget: TargetDescriptor = sql.descriptor('mysql', mysqlCapabilities);
