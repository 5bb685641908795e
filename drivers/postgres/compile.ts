/** SQL AST → CompiledSql (text + param binder), shared by the pg and PGlite drivers. */
import type { CompiledSql } from '../../src/engine/sql/core.js';
import type { SqlStatement } from '../../src/plan/sql/ast.js';
import { binder } from './params.js';
import { serializeCached } from './target.js';

export function compileStatement(stmt: SqlStatement, name?: string): CompiledSql {
  const { text, params } = serializeCached(stmt);
  return { text, bind: binder(params), readOnly: isReadOnly(stmt), ...(name ? { name } : {}) };
}

function isReadOnly(stmt: SqlStatement): boolean {
  return stmt.kind === 'select' && stmt.with.every((cte) => isReadOnly(cte.statement));
}
