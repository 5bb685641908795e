/** `quern/sqlite`: the SQLite driver (on @libsql/client), its target, the SQLite serializer and DDL. */
export { sqlite, type SqliteDriverOptions } from './driver.js';
export { sqliteTarget } from './target.js';
export { serialize } from './serialize.js';
export { schemaDdl, createTableSql, columnType } from './ddl.js';
export { mapSqliteError } from './errors.js';
