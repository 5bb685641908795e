/**
 * Static evaluation of a query's argument expression into a value tree whose
 * structure (keys, operators, nesting) is exact and whose leaves are either
 * literals or "some value of this TypeScript type". Structure is what a query's
 * shape is made of; leaf values never matter, so they are typed placeholders.
 *
 * Anything whose structure cannot be known (a parameter of object type, a
 * computed key, a spread of an unknown object) becomes `unknown` with the node
 * and the reason, so the caller reports it instead of guessing.
 */
import ts from './typescript.js';

/** What a placeholder leaf can be at run time, from its TypeScript type. */
export type Prim = 'string' | 'number' | 'bigint' | 'boolean' | 'date' | 'array' | 'any';

export type SValue =
  | { readonly k: 'lit'; readonly v: string | number | boolean | bigint | null }
  | { readonly k: 'undef' }
  /** Properties in JavaScript insertion order (spreads honoured), which is the order the query builder sees. */
  | { readonly k: 'obj'; readonly props: ReadonlyMap<string, SValue> }
  | { readonly k: 'arr'; readonly items: readonly SValue[] }
  /** A run-time value of a scalar-ish type; `literals` when the type is a union of literals. */
  | {
      readonly k: 'dyn';
      readonly prim: Prim;
      readonly literals?: readonly (string | number | boolean)[];
      readonly nullable: boolean;
      readonly optional: boolean;
      readonly node: ts.Node;
    }
  | { readonly k: 'unknown'; readonly node: ts.Node; readonly why: string };

export const unknownValue = (node: ts.Node, why: string): SValue => ({ k: 'unknown', node, why });

const MAX_DEPTH = 12;

/** Per-run caches shared by every evaluation in one program. */
export class Evaluator {
  private readonly mutated = new Map<ts.Symbol, boolean>();
  private readonly active = new Set<ts.Node>();

  constructor(readonly checker: ts.TypeChecker) {}

  evaluate(expr: ts.Expression, env: ReadonlyMap<ts.Symbol, SValue> = new Map(), depth = 0): SValue {
    if (depth > MAX_DEPTH) return unknownValue(expr, 'the value is built through too many indirections');
    const e = skipOuter(expr);
    switch (e.kind) {
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
        return { k: 'lit', v: (e as ts.StringLiteral).text };
      case ts.SyntaxKind.NumericLiteral:
        return { k: 'lit', v: Number((e as ts.NumericLiteral).text.replace(/_/g, '')) };
      case ts.SyntaxKind.BigIntLiteral:
        return { k: 'lit', v: BigInt((e as ts.BigIntLiteral).text.replace(/_/g, '').slice(0, -1)) };
      case ts.SyntaxKind.TrueKeyword:
        return { k: 'lit', v: true };
      case ts.SyntaxKind.FalseKeyword:
        return { k: 'lit', v: false };
      case ts.SyntaxKind.NullKeyword:
        return { k: 'lit', v: null };
      case ts.SyntaxKind.VoidExpression:
        return { k: 'undef' };
      case ts.SyntaxKind.PrefixUnaryExpression: {
        const p = e as ts.PrefixUnaryExpression;
        if (p.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(p.operand)) return { k: 'lit', v: -Number(p.operand.text) };
        return this.byType(e);
      }
      case ts.SyntaxKind.Identifier:
        return this.identifier(e as ts.Identifier, env, depth);
      case ts.SyntaxKind.ObjectLiteralExpression:
        return this.object(e as ts.ObjectLiteralExpression, env, depth);
      case ts.SyntaxKind.ArrayLiteralExpression:
        return this.array(e as ts.ArrayLiteralExpression, env, depth);
      case ts.SyntaxKind.ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        return this.either(e, this.evaluate(c.whenTrue, env, depth + 1), this.evaluate(c.whenFalse, env, depth + 1));
      }
      case ts.SyntaxKind.CallExpression:
        return this.call(e as ts.CallExpression, env, depth);
      default:
        return this.byType(e);
    }
  }

  /** Two possible values (a conditional): fine when they have the same structure; differing leaves merge. */
  private either(node: ts.Node, a: SValue, b: SValue): SValue {
    if (a.k === 'unknown') return a;
    if (b.k === 'unknown') return b;
    if (isScalar(a) && isScalar(b) && a.k !== 'undef' && b.k !== 'undef' && !isNull(a) && !isNull(b)) return this.byType(node);
    return merge(node, a, b) ?? unknownValue(node, 'the two branches of this condition build differently shaped values');
  }

  private identifier(id: ts.Identifier, env: ReadonlyMap<ts.Symbol, SValue>, depth: number): SValue {
    if (id.text === 'undefined') return { k: 'undef' };
    let sym = this.checker.getSymbolAtLocation(id);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
    if (!sym) return this.byType(id);
    const bound = env.get(sym);
    if (bound) return bound;
    const init = this.constInitializer(sym);
    if (init) {
      if (this.active.has(init)) return unknownValue(id, `'${id.text}' refers to itself`);
      this.active.add(init);
      try {
        const v = this.evaluate(init, env, depth + 1);
        // Only structured values need the "not mutated later" guarantee; a scalar's type says it all.
        if ((v.k === 'obj' || v.k === 'arr') && this.isMutated(sym)) return unknownValue(id, `'${id.text}' is modified after its declaration`);
        return v;
      } finally {
        this.active.delete(init);
      }
    }
    return this.declared(sym, id) ?? this.byType(id);
  }

  /**
   * The type a parameter or variable was annotated with, read from the
   * annotation itself: the common `(db: Db, authorId: string)` leaf costs no
   * type checking. Anything but simple annotations goes to the checker.
   */
  private declared(sym: ts.Symbol, node: ts.Node): SValue | undefined {
    const d = sym.valueDeclaration;
    if (!d || !(ts.isParameter(d) || ts.isVariableDeclaration(d)) || !d.type) return undefined;
    const optional = ts.isParameter(d) && (!!d.questionToken || !!d.initializer);
    const r = classifyTypeNode(d.type);
    if (!r) return undefined;
    if (r === 'null') return { k: 'lit', v: null };
    return { k: 'dyn', prim: r.prim, nullable: r.nullable, optional: optional || r.optional, node, ...(r.literals.length ? { literals: r.literals } : {}) };
  }

  /** The initializer of a `const x = …` (not destructured), anywhere in the program. */
  constInitializer(sym: ts.Symbol): ts.Expression | undefined {
    const d = sym.valueDeclaration ?? sym.declarations?.[0];
    if (!d || !ts.isVariableDeclaration(d) || !d.initializer || !ts.isIdentifier(d.name)) return undefined;
    const list = d.parent;
    if (!ts.isVariableDeclarationList(list) || !(list.flags & ts.NodeFlags.Const)) return undefined;
    return d.initializer;
  }

  /** Property writes (`x.a = …`, `x[k] = …`, `delete x.a`, `Object.assign(x, …)`) to a const object in its scope. */
  isMutated(sym: ts.Symbol): boolean {
    const cached = this.mutated.get(sym);
    if (cached !== undefined) return cached;
    const decl = sym.valueDeclaration!;
    const name = sym.name;
    let scope: ts.Node = decl;
    while (scope.parent && !ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isIdentifier(n) && n.text === name && n !== (decl as ts.VariableDeclaration).name && this.writesThrough(n)) {
        const s = this.checker.getSymbolAtLocation(n);
        if (s === sym) {
          found = true;
          return;
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(scope);
    this.mutated.set(sym, found);
    return found;
  }

  private writesThrough(id: ts.Identifier): boolean {
    let n: ts.Node = id;
    // Walk up through member accesses rooted at the identifier: x.a.b = …
    while ((ts.isPropertyAccessExpression(n.parent) || ts.isElementAccessExpression(n.parent)) && n.parent.expression === n) n = n.parent;
    if (n === id) {
      const p = id.parent;
      if (ts.isCallExpression(p) && p.arguments[0] === id) {
        const callee = p.expression;
        return (
          ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Object' && callee.name.text === 'assign'
        );
      }
      return false;
    }
    const p = n.parent;
    if (ts.isBinaryExpression(p) && p.left === n && isAssignmentOperator(p.operatorToken.kind)) return true;
    if (ts.isDeleteExpression(p)) return true;
    if (
      (ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) &&
      (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken)
    )
      return true;
    // x.list.push(…) and friends mutate too.
    if (ts.isCallExpression(p) && p.expression === n && ts.isPropertyAccessExpression(n) && MUTATING_METHODS.has(n.name.text)) return true;
    return false;
  }

  private object(o: ts.ObjectLiteralExpression, env: ReadonlyMap<ts.Symbol, SValue>, depth: number): SValue {
    const props = new Map<string, SValue>();
    for (const p of o.properties) {
      if (ts.isSpreadAssignment(p)) {
        const v = this.evaluate(p.expression, env, depth + 1);
        if (v.k === 'unknown') return v;
        if (v.k === 'undef' || (v.k === 'lit' && v.v === null)) continue;
        if (v.k !== 'obj') return unknownValue(p, 'spread of a value whose properties are not known statically');
        for (const [k, x] of v.props) props.set(k, x);
        continue;
      }
      if (ts.isShorthandPropertyAssignment(p)) {
        props.set(p.name.text, this.shorthand(p, env, depth));
        continue;
      }
      if (!ts.isPropertyAssignment(p)) return unknownValue(p, 'methods and accessors in a query argument cannot be analysed');
      const key = this.propertyName(p.name, env, depth);
      if (key === undefined) return unknownValue(p.name, 'computed property name that is not a constant');
      props.set(key, this.evaluate(p.initializer, env, depth + 1));
    }
    return { k: 'obj', props };
  }

  private shorthand(p: ts.ShorthandPropertyAssignment, env: ReadonlyMap<ts.Symbol, SValue>, depth: number): SValue {
    let sym = this.checker.getShorthandAssignmentValueSymbol(p);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
    if (sym) {
      const bound = env.get(sym);
      if (bound) return bound;
      const init = this.constInitializer(sym);
      if (init && !this.active.has(init)) {
        this.active.add(init);
        try {
          const v = this.evaluate(init, env, depth + 1);
          if ((v.k === 'obj' || v.k === 'arr') && this.isMutated(sym)) return unknownValue(p, `'${p.name.text}' is modified after its declaration`);
          return v;
        } finally {
          this.active.delete(init);
        }
      }
    }
    return (sym && this.declared(sym, p.name)) ?? this.byType(p.name);
  }

  propertyName(name: ts.PropertyName, env: ReadonlyMap<ts.Symbol, SValue> = new Map(), depth = 0): string | undefined {
    if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
    if (ts.isComputedPropertyName(name)) {
      const v = this.evaluate(name.expression, env, depth + 1);
      if (v.k === 'lit' && (typeof v.v === 'string' || typeof v.v === 'number')) return String(v.v);
      if (v.k === 'dyn' && v.literals?.length === 1) return String(v.literals[0]);
    }
    return undefined;
  }

  private array(a: ts.ArrayLiteralExpression, env: ReadonlyMap<ts.Symbol, SValue>, depth: number): SValue {
    const items: SValue[] = [];
    for (const el of a.elements) {
      if (ts.isSpreadElement(el)) {
        const v = this.evaluate(el.expression, env, depth + 1);
        if (v.k === 'arr') items.push(...v.items);
        else return this.byType(a);
      } else if (ts.isOmittedExpression(el)) {
        items.push({ k: 'undef' });
      } else {
        items.push(this.evaluate(el, env, depth + 1));
      }
    }
    return { k: 'arr', items };
  }

  /**
   * A call to a small local helper (`const byAuthor = (id: string) => ({ authorId: id })`)
   * is inlined with its parameters bound to the arguments; anything else is judged by type.
   */
  private call(c: ts.CallExpression, env: ReadonlyMap<ts.Symbol, SValue>, depth: number): SValue {
    const fn = this.inlinableFunction(c.expression);
    if (!fn) return this.byType(c);
    const body = returnedExpression(fn);
    if (!body) return this.byType(c);
    const inner = new Map(env);
    for (let i = 0; i < fn.parameters.length; i++) {
      const p = fn.parameters[i];
      if (p.dotDotDotToken || !ts.isIdentifier(p.name)) return this.byType(c);
      const sym = this.checker.getSymbolAtLocation(p.name);
      if (!sym) return this.byType(c);
      const arg = c.arguments[i];
      let v: SValue;
      if (arg && !ts.isSpreadElement(arg)) v = this.evaluate(arg, env, depth + 1);
      else if (!arg && p.initializer) v = this.evaluate(p.initializer, inner, depth + 1);
      else if (!arg) v = { k: 'undef' };
      else return this.byType(c);
      inner.set(sym, v);
    }
    if (this.active.has(fn)) return unknownValue(c, 'recursive helper');
    this.active.add(fn);
    try {
      return this.evaluate(body, inner, depth + 1);
    } finally {
      this.active.delete(fn);
    }
  }

  private inlinableFunction(callee: ts.Expression): (ts.SignatureDeclaration & { body?: ts.ConciseBody }) | undefined {
    const e = skipOuter(callee);
    if (!ts.isIdentifier(e)) return undefined;
    let sym = this.checker.getSymbolAtLocation(e);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
    const d = sym?.valueDeclaration;
    if (!d) return undefined;
    if (ts.isFunctionDeclaration(d) && d.body) return d;
    const init = sym ? this.constInitializer(sym) : undefined;
    if (init) {
      const f = skipOuter(init);
      if (ts.isArrowFunction(f) || ts.isFunctionExpression(f)) return f;
    }
    return undefined;
  }

  /** A leaf judged by its TypeScript type: scalars become placeholders, objects of unknown shape are unknown. */
  byType(node: ts.Node): SValue {
    const t = this.checker.getTypeAtLocation(node);
    const r = classify(this.checker, t);
    if (r === 'object') return unknownValue(node, `${describeNode(node)} is an object whose properties are not known statically`);
    if (r.kind === 'undef') return { k: 'undef' };
    if (r.kind === 'null') return { k: 'lit', v: null };
    return { k: 'dyn', prim: r.prim, nullable: r.nullable, optional: r.optional, node, ...(r.literals ? { literals: r.literals } : {}) };
  }
}

interface NodeClass {
  prim: Prim;
  literals: (string | number | boolean)[];
  nullable: boolean;
  optional: boolean;
}

/** Syntactic classification of simple annotations; undefined when the checker must decide. */
function classifyTypeNode(t: ts.TypeNode): NodeClass | 'null' | undefined {
  const parts = ts.isUnionTypeNode(t) ? t.types : [t];
  const out: NodeClass = { prim: 'any', literals: [], nullable: false, optional: false };
  const prims = new Set<Prim>();
  let allLiteral = true;
  for (let p of parts) {
    while (ts.isParenthesizedTypeNode(p)) p = p.type;
    switch (p.kind) {
      case ts.SyntaxKind.StringKeyword:
        prims.add('string');
        allLiteral = false;
        continue;
      case ts.SyntaxKind.NumberKeyword:
        prims.add('number');
        allLiteral = false;
        continue;
      case ts.SyntaxKind.BooleanKeyword:
        prims.add('boolean');
        allLiteral = false;
        continue;
      case ts.SyntaxKind.BigIntKeyword:
        prims.add('bigint');
        allLiteral = false;
        continue;
      case ts.SyntaxKind.UndefinedKeyword:
      case ts.SyntaxKind.VoidKeyword:
        out.optional = true;
        continue;
      case ts.SyntaxKind.ArrayType:
        prims.add('array');
        allLiteral = false;
        continue;
      case ts.SyntaxKind.TypeOperator:
        if ((p as ts.TypeOperatorNode).operator === ts.SyntaxKind.ReadonlyKeyword && ts.isArrayTypeNode((p as ts.TypeOperatorNode).type)) {
          prims.add('array');
          allLiteral = false;
          continue;
        }
        return undefined;
      case ts.SyntaxKind.LiteralType: {
        const l = (p as ts.LiteralTypeNode).literal;
        if (l.kind === ts.SyntaxKind.NullKeyword) {
          out.nullable = true;
          continue;
        }
        if (ts.isStringLiteral(l)) {
          prims.add('string');
          out.literals.push(l.text);
          continue;
        }
        if (ts.isNumericLiteral(l)) {
          prims.add('number');
          out.literals.push(Number(l.text));
          continue;
        }
        if (l.kind === ts.SyntaxKind.TrueKeyword || l.kind === ts.SyntaxKind.FalseKeyword) {
          prims.add('boolean');
          out.literals.push(l.kind === ts.SyntaxKind.TrueKeyword);
          continue;
        }
        return undefined;
      }
      case ts.SyntaxKind.TypeReference: {
        const r = p as ts.TypeReferenceNode;
        if (ts.isIdentifier(r.typeName) && r.typeName.text === 'Date' && !r.typeArguments) {
          prims.add('date');
          allLiteral = false;
          continue;
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }
  if (prims.size === 0) return out.nullable && !out.optional ? 'null' : undefined;
  if (prims.size > 1) return undefined;
  out.prim = [...prims][0];
  if (!allLiteral) out.literals = [];
  return out;
}

type Classified =
  'object' | { kind: 'undef' } | { kind: 'null' } | { kind: 'dyn'; prim: Prim; literals?: (string | number | boolean)[]; nullable: boolean; optional: boolean };

function classify(checker: ts.TypeChecker, t: ts.Type): Classified {
  const parts = t.isUnion() ? t.types : [t];
  let nullable = false;
  let optional = false;
  const prims = new Set<Prim>();
  const literals: (string | number | boolean)[] = [];
  let allLiteral = true;
  for (const p of parts) {
    const f = p.flags;
    if (f & ts.TypeFlags.Null) {
      nullable = true;
      continue;
    }
    if (f & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) {
      optional = true;
      continue;
    }
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
      prims.add('any');
      allLiteral = false;
      continue;
    }
    if (f & ts.TypeFlags.StringLiteral) {
      prims.add('string');
      literals.push((p as ts.StringLiteralType).value);
      continue;
    }
    if (f & ts.TypeFlags.NumberLiteral) {
      prims.add('number');
      literals.push((p as ts.NumberLiteralType).value);
      continue;
    }
    if (f & ts.TypeFlags.BooleanLiteral) {
      prims.add('boolean');
      literals.push((p as { intrinsicName?: string }).intrinsicName === 'true');
      continue;
    }
    allLiteral = false;
    if (f & ts.TypeFlags.StringLike) {
      prims.add('string');
      continue;
    }
    if (f & ts.TypeFlags.NumberLike) {
      prims.add('number');
      continue;
    }
    if (f & ts.TypeFlags.BigIntLike) {
      prims.add('bigint');
      continue;
    }
    if (f & ts.TypeFlags.BooleanLike) {
      prims.add('boolean');
      continue;
    }
    if (f & ts.TypeFlags.Object) {
      if (p.getSymbol()?.getName() === 'Date') {
        prims.add('date');
        continue;
      }
      if (checker.isArrayType(p) || checker.isTupleType(p)) {
        prims.add('array');
        continue;
      }
      return 'object';
    }
    if (f & ts.TypeFlags.TypeParameter) {
      prims.add('any');
      continue;
    }
    return 'object';
  }
  if (prims.size === 0) return optional && !nullable ? { kind: 'undef' } : nullable && !optional ? { kind: 'null' } : { kind: 'undef' };
  // A union of different scalar kinds (string | number) is still a scalar: the field's type decides the placeholder.
  const prim: Prim = prims.size === 1 ? [...prims][0] : prims.has('any') ? 'any' : prims.has('array') ? 'any' : [...prims][0];
  return { kind: 'dyn', prim, nullable, optional, ...(allLiteral && literals.length ? { literals } : {}) };
}

const MUTATING_METHODS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'set', 'delete', 'clear', 'add']);

function isAssignmentOperator(k: ts.SyntaxKind): boolean {
  return k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
}

export function skipOuter(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e))
      e = e.expression;
    else if (ts.isAwaitExpression(e)) e = e.expression;
    else return e;
  }
}

function returnedExpression(fn: ts.SignatureDeclaration & { body?: ts.ConciseBody }): ts.Expression | undefined {
  const b = fn.body;
  if (!b) return undefined;
  if (!ts.isBlock(b)) return b;
  const stmts = b.statements;
  if (stmts.length === 1 && ts.isReturnStatement(stmts[0]) && stmts[0].expression) return stmts[0].expression;
  return undefined;
}

const isNull = (v: SValue) => v.k === 'lit' && v.v === null;

function leafPrim(v: SValue): Prim {
  if (v.k === 'dyn') return v.prim;
  if (v.k !== 'lit') return 'any';
  return typeof v.v === 'string'
    ? 'string'
    : typeof v.v === 'number'
      ? 'number'
      : typeof v.v === 'boolean'
        ? 'boolean'
        : typeof v.v === 'bigint'
          ? 'bigint'
          : 'any';
}

function leafLiterals(v: SValue): (string | number | boolean)[] | undefined {
  if (v.k === 'lit') return typeof v.v === 'bigint' || v.v === null ? undefined : [v.v];
  if (v.k === 'dyn') return v.literals ? [...v.literals] : undefined;
  return undefined;
}

/** One value standing for both of two same-shaped values; undefined when their shapes differ. */
function merge(node: ts.Node, a: SValue, b: SValue): SValue | undefined {
  if (a.k === 'obj' && b.k === 'obj') {
    const ka = [...a.props.keys()];
    const kb = [...b.props.keys()];
    if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return undefined;
    const props = new Map<string, SValue>();
    for (const k of ka) {
      const m = merge(node, a.props.get(k)!, b.props.get(k)!);
      if (!m) return undefined;
      props.set(k, m);
    }
    return { k: 'obj', props };
  }
  if (a.k === 'arr' && b.k === 'arr') {
    if (a.items.length !== b.items.length) return undefined;
    const items: SValue[] = [];
    for (let i = 0; i < a.items.length; i++) {
      const m = merge(node, a.items[i], b.items[i]);
      if (!m) return undefined;
      items.push(m);
    }
    return { k: 'arr', items };
  }
  if (a.k === 'undef' || b.k === 'undef') return a.k === b.k ? a : undefined;
  if (isNull(a) || isNull(b)) return isNull(a) && isNull(b) ? a : undefined;
  if (!isScalar(a) || !isScalar(b)) return undefined;
  if (a.k === 'lit' && b.k === 'lit' && a.v === b.v) return a;
  const pa = leafPrim(a);
  const pb = leafPrim(b);
  const la = leafLiterals(a);
  const lb = leafLiterals(b);
  const literals = la && lb ? [...new Set([...la, ...lb])] : undefined;
  return { k: 'dyn', prim: pa === pb ? pa : 'any', nullable: false, optional: false, node, ...(literals ? { literals } : {}) };
}

export function isScalar(v: SValue): boolean {
  return v.k === 'lit' || v.k === 'dyn' || v.k === 'undef';
}

function describeNode(n: ts.Node): string {
  const text = n.getText();
  return `'${text.length > 40 ? text.slice(0, 40) + '…' : text}'`;
}
