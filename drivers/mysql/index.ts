/** `quern/mysql`: the MySQL/MariaDB driver (mysql2), its target, serializer and DDL. */
export { mysql, type MysqlDriverOptions } from './driver.js';
export { mysqlTarget } from './target.js';
export { serialize, quoteIdent, quoteLiteral } from './serialize.js';
export { binder } from './params.js';
export {
  columnType,
  columnDefinition,
  createTableSql,
  createIndexSql,
  addForeignKeySql,
  foreignKeys,
  counterTriggers,
  schemaDdl,
  pushSchema,
  mysqlName,
  checkIndexLengths,
  enumCheck,
  INDEXED_STRING_LENGTH,
  type ForeignKeyDef,
} from './ddl.js';
export { mapMysqlError } from './errors.js';
