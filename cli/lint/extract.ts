/**
 * Finds quern call sites in a program. A call is a quern call when the method
 * the checker resolves it to is declared on quern's own client interfaces
 * (ModelClient, ClientMethods): so aliases, clients passed as parameters and
 * transaction clients are found, and unrelated `.create()` calls are not.
 */
import ts from './typescript.js';
import { METHODS, type Method } from '../../src/query/build.js';
import { Evaluator, skipOuter, type SValue } from './static-value.js';
import { floatingQuery } from './floating.js';

export interface SiteLocation {
  /** Absolute path. */
  readonly file: string;
  /** 1-based, at the method name (`findMany`), which is also where V8 puts a call's stack frame. */
  readonly line: number;
  readonly col: number;
  /** Lines a `// quern-allow` comment may sit directly above. */
  readonly anchors: readonly number[];
}

export type Site =
  | {
      readonly kind: 'query';
      readonly loc: SiteLocation;
      readonly modelKey: string | null;
      readonly method: Method;
      readonly args: SValue | null;
      readonly node: ts.CallExpression;
      /** Why the query never runs (never awaited, returned or passed on), or null. */
      readonly floating: string | null;
    }
  /** `members` is null when the number of queries cannot be known statically. */
  | { readonly kind: 'batch'; readonly loc: SiteLocation; readonly members: readonly BatchMember[] | null; readonly node: ts.CallExpression }
  | { readonly kind: 'transaction'; readonly loc: SiteLocation; readonly node: ts.CallExpression };

const MODEL_METHODS = new Set<string>(METHODS);
const CLIENT_METHODS = new Set(['batch', 'transaction']);
const CLIENT_FILE = /[\\/]client\.(d\.)?[cm]?[jt]s$/;

type Owner = 'model' | 'client' | null;

export class Extractor {
  readonly evaluator: Evaluator;
  private readonly owners = new Map<ts.Declaration, Owner>();
  private readonly symbolTypes = new Map<ts.Symbol, ts.Type>();
  private readonly propertyTypes = new Map<ts.Type, Map<string, ts.Type | undefined>>();
  private readonly methodOwners = new Map<ts.Type, Map<string, Owner>>();

  constructor(
    readonly checker: ts.TypeChecker,
    private readonly modelKeys: ReadonlySet<string>,
  ) {
    this.evaluator = new Evaluator(checker);
  }

  sites(sf: ts.SourceFile): Site[] {
    const out: Site[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n)) {
        const s = this.site(sf, n);
        if (s) out.push(s);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
    return out;
  }

  private site(sf: ts.SourceFile, call: ts.CallExpression): Site | null {
    const callee = call.expression;
    let nameNode: ts.Node;
    let name: string;
    let receiver: ts.Expression;
    if (ts.isPropertyAccessExpression(callee)) {
      nameNode = callee.name;
      name = callee.name.text;
      receiver = callee.expression;
    } else if (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression)) {
      nameNode = callee.argumentExpression;
      name = callee.argumentExpression.text;
      receiver = callee.expression;
    } else {
      return null;
    }
    // Cheap syntactic filter first: only these names can be quern calls.
    const isModel = MODEL_METHODS.has(name);
    if (!isModel && !CLIENT_METHODS.has(name)) return null;
    const recvType = this.receiverType(receiver);
    const owner = this.ownerOf(recvType, name);
    if (owner === null) return null;
    const loc = location(sf, nameNode, call);
    if (owner === 'client') {
      if (name === 'transaction') return { kind: 'transaction', loc, node: call };
      if (name === 'batch') return { kind: 'batch', loc, members: this.batchMembers(call.arguments[0]), node: call };
      return null;
    }
    if (!isModel) return null;
    const arg = call.arguments[0];
    let args: SValue | null = null;
    if (arg) args = ts.isSpreadElement(arg) ? { k: 'unknown', node: arg, why: 'arguments passed by spread' } : this.evaluator.evaluate(arg);
    return {
      kind: 'query',
      loc,
      modelKey: this.modelKeyOf(receiver, recvType),
      method: name as Method,
      args,
      node: call,
      floating: floatingQuery(call, this.checker),
    };
  }

  /**
   * The type of a call's receiver. Chains of identifiers and property reads
   * (`db.post`, `tx.user`, `posts`) are resolved from declared types and
   * property types, cached per symbol and per (type, name): this avoids
   * checking every receiver expression with flow analysis, which is most of
   * the cost of a site. Anything else asks the checker.
   */
  private receiverType(e: ts.Expression, depth = 0): ts.Type | undefined {
    const x = depth > 8 ? e : skipOuter(e);
    if (depth <= 8 && ts.isIdentifier(x)) {
      let sym = this.checker.getSymbolAtLocation(x);
      if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
      if (sym) {
        let t = this.symbolTypes.get(sym);
        if (t === undefined) {
          const d = sym.valueDeclaration;
          t = d && (ts.isParameter(d) || ts.isVariableDeclaration(d)) && d.type ? this.checker.getTypeFromTypeNode(d.type) : this.checker.getTypeOfSymbol(sym);
          this.symbolTypes.set(sym, t);
        }
        return t;
      }
    }
    if (depth <= 8 && (ts.isPropertyAccessExpression(x) || (ts.isElementAccessExpression(x) && ts.isStringLiteralLike(x.argumentExpression)))) {
      const name = ts.isPropertyAccessExpression(x) ? x.name.text : (x.argumentExpression as ts.StringLiteralLike).text;
      const base = this.receiverType(x.expression, depth + 1);
      if (base) {
        const t = this.propertyType(base, name);
        if (t) return t;
      }
    }
    return this.checker.getTypeAtLocation(x);
  }

  private propertyType(base: ts.Type, name: string): ts.Type | undefined {
    let byName = this.propertyTypes.get(base);
    if (!byName) this.propertyTypes.set(base, (byName = new Map()));
    if (byName.has(name)) return byName.get(name);
    const prop = this.checker.getPropertyOfType(this.checker.getNonNullableType(base), name);
    const t = prop ? this.checker.getNonNullableType(this.checker.getTypeOfSymbol(prop)) : undefined;
    byName.set(name, t);
    return t;
  }

  /** Which quern interface declares the method `name` of this receiver type, if any. */
  private ownerOf(recv: ts.Type | undefined, name: string): Owner {
    if (!recv) return null;
    let byName = this.methodOwners.get(recv);
    if (!byName) this.methodOwners.set(recv, (byName = new Map()));
    const hit = byName.get(name);
    if (hit !== undefined) return hit;
    const prop = this.checker.getPropertyOfType(this.checker.getNonNullableType(recv), name);
    let owner: Owner = null;
    for (const d of prop?.declarations ?? []) {
      let o = this.owners.get(d);
      if (o === undefined) {
        o = null;
        const parent = d.parent;
        if (parent && ts.isInterfaceDeclaration(parent) && CLIENT_FILE.test(d.getSourceFile().fileName)) {
          if (parent.name.text === 'ModelClient') o = 'model';
          else if (parent.name.text === 'ClientMethods') o = 'client';
        }
        this.owners.set(d, o);
      }
      if (o) {
        owner = o;
        break;
      }
    }
    byName.set(name, owner);
    return owner;
  }

  /**
   * The schema key of the model a ModelClient is for: from its type argument
   * when the checker knows it, else from the accessor it was read through
   * (`db.post`, or a const alias of it).
   */
  private modelKeyOf(receiver: ts.Expression, t: ts.Type | undefined): string | null {
    if (t && t.flags & ts.TypeFlags.Object && (t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) {
      const k = this.checker.getTypeArguments(t as ts.TypeReference)[1];
      if (k && k.flags & ts.TypeFlags.StringLiteral) {
        const key = (k as ts.StringLiteralType).value;
        if (this.modelKeys.has(key)) return key;
      }
    }
    return this.accessorName(receiver, 0);
  }

  private accessorName(e: ts.Expression, depth: number): string | null {
    if (depth > 8) return null;
    const x = skipOuter(e);
    if (ts.isPropertyAccessExpression(x)) return this.modelKeys.has(x.name.text) ? x.name.text : null;
    if (ts.isElementAccessExpression(x) && ts.isStringLiteralLike(x.argumentExpression))
      return this.modelKeys.has(x.argumentExpression.text) ? x.argumentExpression.text : null;
    if (ts.isIdentifier(x)) {
      let sym = this.checker.getSymbolAtLocation(x);
      if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
      const init = sym && this.evaluator.constInitializer(sym);
      if (init) return this.accessorName(init, depth + 1);
    }
    return null;
  }

  /**
   * The queries of `db.batch(arg)` when their number is fixed in the source:
   * each member is an expression evaluated `times` times (Array.from, .map).
   */
  batchMembers(arg: ts.Expression | undefined, depth = 0): BatchMember[] | null {
    if (!arg || depth > 8) return null;
    const e = skipOuter(arg);
    if (ts.isArrayLiteralExpression(e)) {
      const out: BatchMember[] = [];
      for (const el of e.elements) {
        if (ts.isSpreadElement(el)) {
          const inner = this.batchMembers(el.expression, depth + 1);
          if (inner === null) return null;
          out.push(...inner);
        } else out.push({ times: 1, expr: el });
      }
      return out;
    }
    if (ts.isIdentifier(e)) {
      let sym = this.checker.getSymbolAtLocation(e);
      if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
      const init = sym && this.evaluator.constInitializer(sym);
      // A const array that is pushed to later is not its initializer.
      if (!init || this.evaluator.isMutated(sym!)) return null;
      return this.batchMembers(init, depth + 1);
    }
    if (ts.isCallExpression(e)) {
      const c = e.expression;
      const mapped = (src: BatchMember[] | null, fn: ts.Expression | undefined): BatchMember[] | null => {
        if (!src) return null;
        const body = fn && returnedOf(skipOuter(fn));
        return src.map((m) => ({ times: m.times, expr: body ?? null }));
      };
      // xs.map(fn) keeps the length of xs.
      if (ts.isPropertyAccessExpression(c) && c.name.text === 'map') return mapped(this.batchMembers(c.expression, depth + 1), e.arguments[0]);
      // Array.from({ length: n }, fn) and Array.from(xs, fn).
      if (ts.isPropertyAccessExpression(c) && ts.isIdentifier(c.expression) && c.expression.text === 'Array' && c.name.text === 'from' && e.arguments[0]) {
        const src = skipOuter(e.arguments[0]);
        if (ts.isObjectLiteralExpression(src)) {
          const v = this.evaluator.evaluate(src);
          const len = v.k === 'obj' ? v.props.get('length') : undefined;
          const n =
            len?.k === 'lit' && typeof len.v === 'number'
              ? len.v
              : len?.k === 'dyn' && len.literals?.length === 1 && typeof len.literals[0] === 'number'
                ? len.literals[0]
                : null;
          if (n === null) return null;
          const body = e.arguments[1] && returnedOf(skipOuter(e.arguments[1]));
          return [{ times: n, expr: body ?? null }];
        }
        return mapped(this.batchMembers(src, depth + 1), e.arguments[1]);
      }
    }
    return null;
  }
}

/** One entry of a batch: `expr` (null when unknown) stands for `times` queries. */
export interface BatchMember {
  readonly times: number;
  readonly expr: ts.Expression | null;
}

function returnedOf(fn: ts.Expression): ts.Expression | undefined {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  if (!ts.isBlock(fn.body)) return fn.body;
  const stmts = fn.body.statements;
  return stmts.length === 1 && ts.isReturnStatement(stmts[0]) ? stmts[0].expression : undefined;
}

function location(sf: ts.SourceFile, nameNode: ts.Node, call: ts.CallExpression): SiteLocation {
  const pos = sf.getLineAndCharacterOfPosition(nameNode.getStart(sf));
  const anchors = new Set<number>([pos.line + 1, sf.getLineAndCharacterOfPosition(call.getStart(sf)).line + 1]);
  // The statement (or object member, or variable) that holds the call: comments conventionally sit above it.
  for (let n: ts.Node = call; n.parent && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isStatement(n) || ts.isPropertyAssignment(n) || ts.isVariableDeclaration(n) || ts.isClassElement(n)) {
      anchors.add(sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1);
      break;
    }
  }
  return { file: sf.fileName, line: pos.line + 1, col: pos.character + 1, anchors: [...anchors].sort((a, b) => a - b) };
}
