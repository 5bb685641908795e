/**
 * The TypeScript compiler API for lint, loaded with `require`.
 *
 * typescript is a CommonJS module of 9 MB. Imported from an ES module (`import ts from
 * 'typescript'`), Node also scans its whole source for the names it exports, and, since its
 * package.json declares no "type", checks whether it is written as an ES module: about as much
 * CPU again as compiling it (measured: 1.35 s against 0.60 s at a load of 25). Every `quern lint`
 * run pays that at start-up, so the lint modules take the compiler from here.
 *
 * `ts` is the module's value; the namespace below gives `ts.Node` and the other types lint
 * names their usual spelling (a namespace holding only types merges with the constant).
 */
import { createRequire } from 'node:module';
import type * as TS from 'typescript';

const ts = createRequire(import.meta.url)('typescript') as typeof TS;

declare namespace ts {
  export type ArrayLiteralExpression = TS.ArrayLiteralExpression;
  export type BigIntLiteral = TS.BigIntLiteral;
  export type CallExpression = TS.CallExpression;
  export type CompilerHost = TS.CompilerHost;
  export type CompilerOptions = TS.CompilerOptions;
  export type ConciseBody = TS.ConciseBody;
  export type ConditionalExpression = TS.ConditionalExpression;
  export type Declaration = TS.Declaration;
  export type DiagnosticCategory = TS.DiagnosticCategory;
  export type Expression = TS.Expression;
  export type Identifier = TS.Identifier;
  export type JSDocParsingMode = TS.JSDocParsingMode;
  export type LiteralTypeNode = TS.LiteralTypeNode;
  export type ModuleKind = TS.ModuleKind;
  export type ModuleResolutionKind = TS.ModuleResolutionKind;
  export type Node = TS.Node;
  export type NodeFlags = TS.NodeFlags;
  export type NumberLiteralType = TS.NumberLiteralType;
  export type NumericLiteral = TS.NumericLiteral;
  export type ObjectFlags = TS.ObjectFlags;
  export type ObjectLiteralExpression = TS.ObjectLiteralExpression;
  export type ObjectType = TS.ObjectType;
  export type PrefixUnaryExpression = TS.PrefixUnaryExpression;
  export type Program = TS.Program;
  export type PropertyName = TS.PropertyName;
  export type ScriptTarget = TS.ScriptTarget;
  export type ShorthandPropertyAssignment = TS.ShorthandPropertyAssignment;
  export type SignatureDeclaration = TS.SignatureDeclaration;
  export type SourceFile = TS.SourceFile;
  export type StringLiteral = TS.StringLiteral;
  export type StringLiteralLike = TS.StringLiteralLike;
  export type StringLiteralType = TS.StringLiteralType;
  export type Symbol = TS.Symbol;
  export type SymbolFlags = TS.SymbolFlags;
  export type SyntaxKind = TS.SyntaxKind;
  export type Type = TS.Type;
  export type TypeChecker = TS.TypeChecker;
  export type TypeFlags = TS.TypeFlags;
  export type TypeNode = TS.TypeNode;
  export type TypeOperatorNode = TS.TypeOperatorNode;
  export type TypeReference = TS.TypeReference;
  export type TypeReferenceNode = TS.TypeReferenceNode;
  export type VariableDeclaration = TS.VariableDeclaration;
}

export default ts;
