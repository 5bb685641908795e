/**
 * The SQL AST: a small, PostgreSQL-flavoured statement tree, in the spirit of
 * Kysely's operation nodes. Lowering builds it from the model-level QueryAst;
 * drivers/postgres/serialize.ts turns it into text with `$n` placeholders.
 *
 * Values never appear in it as text: every value is a `param` node pointing at
 * a slot of the query's params array (optionally at a path inside that value,
 * optionally transformed by the engine, e.g. a LIKE pattern built from the
 * user's string). Identifiers are plain names here; the serializer quotes them.
 * Nothing in this tree is raw SQL, so user input can never become code.
 */

/** The column and parameter types the engine uses. A closed list: they are emitted verbatim. */
export type SqlScalarType =
  | 'text' | 'varchar' | 'int4' | 'int8' | 'float8' | 'numeric' | 'bool' | 'uuid'
  | 'timestamptz' | 'date' | 'jsonb' | 'json';

export interface SqlTypeRef {
  readonly kind: 'type';
  readonly name: SqlScalarType;
  readonly array: boolean;
}

/** The row type of a table (for `NULL::"Table"` in json_populate_recordset). */
export interface SqlRowTypeRef {
  readonly kind: 'rowtype';
  readonly table: string;
}

/**
 * Engine-side derivations of a param value. They run when the plan is bound
 * to values, so the SQL text (and the plan cache) stays the same.
 */
export type ParamTransform =
  /** LIKE pattern: `%`, `_` and `\` escaped, then wrapped for the text operator. */
  | 'like-contains' | 'like-prefix' | 'like-suffix' | 'like-exact'
  /** Page size + 1: one extra row tells whether another page exists. */
  | 'plus-one'
  /** An array of complete rows serialised as one JSON document (createMany). */
  | 'json-rows'
  /** One value as a one-element array (`list @> ARRAY[x]`, which a GIN index serves). */
  | 'singleton';

export interface SqlParam {
  readonly kind: 'param';
  readonly slot: number;
  /** Keys/indexes into the slot's value, e.g. [0, 'title'] for the first row's title. */
  readonly path: readonly (string | number)[];
  /** How the value is encoded and cast (`$1::uuid`); null: no cast, value passed as is. */
  readonly type: SqlTypeRef | null;
  readonly transform: ParamTransform | null;
}

export type BinaryOp = '=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | 'IS DISTINCT FROM' | 'IS NOT DISTINCT FROM' | '@>';

/** Functions the engine calls. A closed list, emitted verbatim. */
export type SqlFunction =
  | 'coalesce' | 'count' | 'sum' | 'avg' | 'min' | 'max' | 'json_agg' | 'json_build_array' | 'row_to_json' | 'array_cat' | 'json_populate_recordset';

export type SqlExpr =
  | { readonly kind: 'column'; readonly table: string | null; readonly column: string }
  | { readonly kind: 'star'; readonly table: string | null }
  | SqlParam
  /** Only engine-chosen constants; user values are always params. */
  | { readonly kind: 'literal'; readonly value: null | boolean | number }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: SqlExpr; readonly right: SqlExpr }
  /** `expr [I]LIKE pattern ESCAPE '\'` */
  | { readonly kind: 'like'; readonly expr: SqlExpr; readonly pattern: SqlExpr; readonly insensitive: boolean }
  | { readonly kind: 'and'; readonly items: readonly SqlExpr[] }
  | { readonly kind: 'or'; readonly items: readonly SqlExpr[] }
  | { readonly kind: 'not'; readonly expr: SqlExpr }
  | { readonly kind: 'isNull'; readonly expr: SqlExpr; readonly negated: boolean }
  /** `left = ANY(right)` */
  | { readonly kind: 'any'; readonly left: SqlExpr; readonly right: SqlExpr }
  | { readonly kind: 'exists'; readonly query: SelectStatement }
  /** A scalar subquery: `(SELECT ...)`. */
  | { readonly kind: 'subquery'; readonly query: SelectStatement }
  /** `name(args [ORDER BY ...])`: the ORDER BY is for aggregates (json_agg keeps the include's order). */
  | { readonly kind: 'func'; readonly name: SqlFunction; readonly args: readonly SqlExpr[]; readonly orderBy?: readonly OrderItem[] }
  | { readonly kind: 'cast'; readonly expr: SqlExpr; readonly type: SqlTypeRef | SqlRowTypeRef }
  /** A row constructor `(a, b)`, for row-wise comparison. */
  | { readonly kind: 'row'; readonly items: readonly SqlExpr[] };

export interface SelectItem {
  readonly expr: SqlExpr;
  readonly alias: string | null;
}

export type FromItem =
  | { readonly kind: 'table'; readonly name: string; readonly alias: string | null }
  | { readonly kind: 'subquery'; readonly query: SelectStatement; readonly alias: string; readonly lateral: boolean }
  | { readonly kind: 'function'; readonly call: SqlExpr; readonly alias: string };

export interface Join {
  readonly type: 'inner' | 'left';
  readonly item: FromItem;
  readonly on: SqlExpr;
}

export interface OrderItem {
  readonly expr: SqlExpr;
  readonly direction: 'asc' | 'desc';
}

/** A data-modifying or plain statement bound to a name in WITH. */
export interface CommonTable {
  readonly name: string;
  readonly statement: SqlStatement;
}

export interface SelectStatement {
  readonly kind: 'select';
  readonly with: readonly CommonTable[];
  /** `SELECT DISTINCT ON (...)`: the first row (in ORDER BY order) per combination. */
  readonly distinctOn?: readonly SqlExpr[] | null;
  readonly columns: readonly SelectItem[];
  readonly from: FromItem | null;
  readonly joins: readonly Join[];
  readonly where: SqlExpr | null;
  readonly groupBy?: readonly SqlExpr[];
  readonly orderBy: readonly OrderItem[];
  readonly limit: SqlExpr | null;
  readonly offset: SqlExpr | null;
}

export interface Assignment {
  readonly column: string;
  readonly value: SqlExpr;
}

export type OnConflict =
  | { readonly target: readonly string[]; readonly action: 'nothing' }
  | { readonly target: readonly string[]; readonly action: 'update'; readonly set: readonly Assignment[]; readonly where: SqlExpr | null };

export interface InsertStatement {
  readonly kind: 'insert';
  readonly table: string;
  /** Lets ON CONFLICT ... DO UPDATE refer to the existing row. */
  readonly alias: string | null;
  readonly columns: readonly string[];
  readonly source: { readonly kind: 'values'; readonly rows: readonly (readonly SqlExpr[])[] } | { readonly kind: 'select'; readonly query: SelectStatement };
  readonly onConflict: OnConflict | null;
  readonly returning: readonly SelectItem[];
}

export interface UpdateStatement {
  readonly kind: 'update';
  readonly table: string;
  readonly alias: string | null;
  readonly set: readonly Assignment[];
  readonly where: SqlExpr | null;
  readonly returning: readonly SelectItem[];
}

export interface DeleteStatement {
  readonly kind: 'delete';
  readonly table: string;
  readonly alias: string | null;
  readonly where: SqlExpr | null;
  readonly returning: readonly SelectItem[];
}

export type SqlStatement = SelectStatement | InsertStatement | UpdateStatement | DeleteStatement;
