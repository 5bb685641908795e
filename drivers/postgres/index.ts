/** `quern/postgres`: the PostgreSQL drivers (pg and PGlite), their targets and the SQL serializer. */
export { postgres, pgCore, type PostgresDriverOptions } from './pg-driver.js';
export { pglite, pgliteCore, type PgliteDriverOptions, type PgliteInstance } from './pglite-driver.js';
export { postgresTarget, pgliteTarget } from './target.js';
export { serialize, quoteIdent, quoteLiteral, typeName, type SerializedSql } from './serialize.js';
export { binder, escapeLike, arrayLiteral } from './params.js';
export {
  columnType,
  columnDefinition,
  createTableSql,
  createIndexSql,
  addForeignKeySql,
  foreignKeys,
  schemaDdl,
  pushSchema,
  primaryKeyName,
  checkConstraintName,
  enumCheck,
  type ForeignKeyDef,
} from './ddl.js';
export { mapPgError } from './errors.js';
