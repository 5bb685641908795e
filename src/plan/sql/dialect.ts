/**
 * What a SQL dialect can express, as plain data the lowering reads. The SQL
 * AST itself names no dialect's types or functions: it says "int", "a JSON
 * array of these rows", "is an element of"; each driver's serializer writes
 * its own words for them. Where a dialect lacks a construct, lowering either
 * builds an equivalent from what it has (lower() on both sides of LIKE where
 * there is no case-insensitive LIKE) or
 * refuses with a diagnostic, never sends SQL the server would reject.
 */
export type SqlDialectName = 'postgres' | 'sqlite' | 'mysql';

export interface SqlDialect {
  readonly name: SqlDialectName;
  /** `$1, $2` (numbered: a repeated value is sent once) or `?` (positional: one value per mark). */
  readonly placeholders: 'numbered' | 'positional';
  /** Case-insensitive LIKE as one operator; otherwise lowering compares lower() of both sides. */
  readonly ilike: boolean;
  /** `SELECT DISTINCT ON (...)`; otherwise `distinct` keeps the first row per group by row_number(). */
  readonly distinctOn: boolean;
  /**
   * INSERT/UPDATE ... RETURNING inside WITH, so a write and its includes are one statement;
   * otherwise a write with `include` is refused (`operator-unsupported`: read it back instead).
   */
  readonly writableCte: boolean;
  /**
   * INSERT/UPDATE/DELETE ... RETURNING; otherwise a single-row write locates its row first
   * (SELECT ... FOR UPDATE, in the write's transaction) and reads it back by key afterwards.
   */
  readonly returning: boolean;
}

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  placeholders: 'numbered',
  ilike: true,
  distinctOn: true,
  writableCte: true,
  returning: true,
};

/** SQLite 3.50 (better-sqlite3 12): RETURNING and upserts, JSON functions, no DISTINCT ON, no DML in WITH. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  placeholders: 'positional',
  // LIKE ignores ASCII case natively; the case-sensitive match is the serializer's business.
  ilike: true,
  distinctOn: false,
  writableCte: false,
  returning: true,
};

/**
 * MySQL 8 / MariaDB 10.11: `?` placeholders, no RETURNING (MySQL has none; MariaDB's lacks
 * UPDATE), no DISTINCT ON, no DML in WITH. Text columns use a binary collation, so LIKE and `=`
 * are case-sensitive and `mode: 'insensitive'` lowers to lower() on both sides.
 */
export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  placeholders: 'positional',
  ilike: false,
  distinctOn: false,
  writableCte: false,
  returning: false,
};
