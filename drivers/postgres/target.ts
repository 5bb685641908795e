/**
 * Connection-free description of the PostgreSQL targets: enough to plan,
 * explain and lint offline.
 */
import { postgresCapabilities } from '../../src/plan/capabilities.js';
import type { TargetDescriptor } from '../../src/engine/driver.js';
import { sqlTarget } from '../../src/engine/sql/target.js';
import { serialize } from './serialize.js';

const sql = sqlTarget(serialize);

export const serializeCached = sql.serializeCached;

export const postgresTarget: TargetDescriptor = sql.descriptor('postgres', postgresCapabilities, 'postgresql');

export const pgliteTarget: TargetDescriptor = sql.descriptor('pglite', postgresCapabilities, 'postgresql');
