/**
 * The SQL AST: a small statement tree, in the spirit of Kysely's operation
 * nodes. Lowering builds it from the model-level QueryAst; each SQL driver's
 * serializer (drivers/postgres/serialize.ts for PostgreSQL) turns it into its
 * dialect's text. Types and functions here are named for what they mean
 * (`bigint`, "a JSON array of these rows"), never in one dialect's words.
 *
 * Values never appear in it as text: every value is a `param` node pointing at
 * a slot of the query's params array (optionally at a path inside that value,
 * optionally transformed by the engine, e.g. a LIKE pattern built from the
 * user's string). Identifiers are plain names here; the serializer quotes them.
 * Nothing in this tree is raw SQL, so user input can never become code.
 */

/**
 * The column and parameter types the engine uses, by meaning. A closed list:
 * each dialect maps every one to its own type name. `json` is a json field's
 * value; `jsonDocument` is a JSON text the engine builds (createMany's rows).
 */
export type SqlScalarType = 'text' | 'varchar' | 'int' | 'bigint' | 'float' | 'decimal' | 'boolean' | 'uuid' | 'timestamp' | 'date' | 'json' | 'jsonDocument';

export interface SqlTypeRef {
  readonly kind: 'type';
  readonly name: SqlScalarType;
  readonly array: boolean;
}

/**
 * Engine-side derivations of a param value. They run when the plan is bound
 * to values, so the SQL text (and the plan cache) stays the same.
 */
export type ParamTransform =
  /** LIKE pattern: `%`, `_` and `\` escaped, then wrapped for the text operator. */
  | 'like-contains'
  | 'like-prefix'
  | 'like-suffix'
  | 'like-exact'
  /** Page size + 1: one extra row tells whether another page exists. */
  | 'plus-one'
  /** An array of complete rows serialised as one JSON document (createMany). */
  | 'json-rows'
  /** One value as a one-element list (`contains`, which an index over a list's elements serves). */
  | 'singleton';

export interface SqlParam {
  readonly kind: 'param';
  readonly slot: number;
  /** Keys/indexes into the slot's value, e.g. [0, 'title'] for the first row's title. */
  readonly path: readonly (string | number)[];
  /** How the value is encoded and typed for the server; null: no type, value passed as is. */
  readonly type: SqlTypeRef | null;
  readonly transform: ParamTransform | null;
  /**
   * The slot holds a list of rows: the param is the list of each row's value under this key (one
   * column of createMany's rows, sent as one typed array). Set by a dialect's serializer only.
   */
  readonly pluck?: string;
}

export type BinaryOp = '=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | 'IS DISTINCT FROM' | 'IS NOT DISTINCT FROM';

/** Standard SQL functions the engine calls, spelled alike in every dialect. A closed list, emitted verbatim. */
export type SqlFunction = 'coalesce' | 'count' | 'sum' | 'avg' | 'min' | 'max' | 'lower';

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
  /** `list` holds every element of `items` (a list column and a list param). */
  | { readonly kind: 'contains'; readonly list: SqlExpr; readonly items: SqlExpr }
  /** `item` is an element of `list` (a list param or a list column). */
  | { readonly kind: 'member'; readonly item: SqlExpr; readonly list: SqlExpr }
  | { readonly kind: 'exists'; readonly query: SelectStatement }
  /** A scalar subquery: `(SELECT ...)`. */
  | { readonly kind: 'subquery'; readonly query: SelectStatement }
  | { readonly kind: 'func'; readonly name: SqlFunction; readonly args: readonly SqlExpr[] }
  | { readonly kind: 'cast'; readonly expr: SqlExpr; readonly type: SqlTypeRef }
  /** The row of derived table `table` as one JSON object keyed by `columns` (an include's related row). */
  | { readonly kind: 'jsonRow'; readonly table: string; readonly columns: readonly string[] }
  /** Aggregate: the rows of derived table `table` as a JSON array of objects, in `orderBy` order; `[]` when there are none. */
  | { readonly kind: 'jsonRows'; readonly table: string; readonly columns: readonly string[]; readonly orderBy: readonly OrderItem[] }
  /** `list` with the elements of `items` appended (a list field's push). */
  | { readonly kind: 'listAppend'; readonly list: SqlExpr; readonly items: SqlExpr }
  /** `row_number() OVER (PARTITION BY .. ORDER BY ..)`: 1 for the first row of each group. */
  | { readonly kind: 'rowNumber'; readonly partitionBy: readonly SqlExpr[]; readonly orderBy: readonly OrderItem[] }
  /** A row constructor `(a, b)`, for row-wise comparison. */
  | { readonly kind: 'row'; readonly items: readonly SqlExpr[] };

export interface SelectItem {
  readonly expr: SqlExpr;
  readonly alias: string | null;
}

export type FromItem =
  | { readonly kind: 'table'; readonly name: string; readonly alias: string | null }
  | { readonly kind: 'subquery'; readonly query: SelectStatement; readonly alias: string; readonly lateral: boolean };

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
  /** `FOR UPDATE`: lock the rows read until the transaction ends (a write locating its row first). */
  readonly forUpdate?: boolean;
}

export interface Assignment {
  readonly column: string;
  readonly value: SqlExpr;
}

export type OnConflict =
  | { readonly target: readonly string[]; readonly action: 'nothing' }
  | { readonly target: readonly string[]; readonly action: 'update'; readonly set: readonly Assignment[]; readonly where: SqlExpr | null };

export type InsertSource =
  | { readonly kind: 'values'; readonly rows: readonly (readonly SqlExpr[])[] }
  | { readonly kind: 'select'; readonly query: SelectStatement }
  /**
   * Rows from one JSON document (an array of objects keyed by column): the
   * statement text is the same for 1 row or 10,000. `alias` names the row source;
   * `types[i]` is the type of the statement's i-th column (a dialect without row
   * types extracts each by it).
   */
  | { readonly kind: 'json'; readonly rows: SqlParam; readonly alias: string; readonly types: readonly SqlTypeRef[] };

export interface InsertStatement {
  readonly kind: 'insert';
  readonly table: string;
  /** Lets ON CONFLICT ... DO UPDATE refer to the existing row. */
  readonly alias: string | null;
  readonly columns: readonly string[];
  readonly source: InsertSource;
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
