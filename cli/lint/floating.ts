/**
 * Queries are lazy: one that is never awaited, returned or passed on never runs, and nothing
 * says so at run time. This finds the two shapes of that mistake: a query call used as a
 * statement (`db.post.create(...)`, `void db.post.create(...)`), and a query stored in a
 * variable that is never read. Anything else (awaited, returned, passed to a call or an array,
 * chained with `.then`/`.explain`, assigned elsewhere) counts as used: the rule only reports what
 * is certainly lost.
 */
import ts from './typescript.js';

/** Why the query result of `call` is lost, or null when it is (or may be) used. */
export function floatingQuery(call: ts.CallExpression, checker: ts.TypeChecker): string | null {
  let node: ts.Node = call;
  let parent = node.parent;
  // Wrappers that pass the query through unchanged.
  while (
    parent &&
    (ts.isParenthesizedExpression(parent) ||
      ts.isAsExpression(parent) ||
      ts.isNonNullExpression(parent) ||
      ts.isSatisfiesExpression(parent) ||
      ts.isTypeAssertionExpression(parent) ||
      (ts.isConditionalExpression(parent) && parent.condition !== node))
  ) {
    node = parent;
    parent = node.parent;
  }
  if (!parent) return null;
  if (ts.isExpressionStatement(parent)) return 'its result is discarded';
  if (ts.isVoidExpression(parent)) return '`void` discards it';
  if (ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isIdentifier(parent.name)) {
    const name = parent.name;
    const symbol = checker.getSymbolAtLocation(name);
    if (!symbol) return null;
    return isReferenced(name.getSourceFile(), name, symbol, checker) ? null : `it is stored in '${name.text}', which is never used`;
  }
  return null;
}

function isReferenced(sf: ts.SourceFile, decl: ts.Identifier, symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  // An exported variable may be used by another module.
  const stmt = decl.parent?.parent?.parent;
  if (stmt && ts.isVariableStatement(stmt) && stmt.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return true;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && n !== decl && n.text === decl.text) {
      const s = checker.getSymbolAtLocation(n);
      // A shorthand `{ q }` resolves to the property; its value symbol is the variable.
      const value = s && ts.isShorthandPropertyAssignment(n.parent) ? checker.getShorthandAssignmentValueSymbol(n.parent) : s;
      if (value === symbol || s === symbol) {
        found = true;
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}
