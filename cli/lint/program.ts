/**
 * One TypeScript program for every linted file: parsing and binding happen
 * once, and the checker resolves only the receivers we ask about.
 */
import { dirname, resolve } from 'node:path';
import ts from './typescript.js';
import { glob } from 'tinyglobby';
import { ProjectError } from '../errors.js';

const DEFAULT_INCLUDE = ['**/*.{ts,tsx,mts,cts}'];
const ALWAYS_EXCLUDED = ['**/node_modules/**', '**/dist/**', '**/*.d.ts', '**/*.d.mts', '**/*.d.cts'];

/** The files to lint: the config's include/exclude globs, or the paths given on the command line. */
export async function lintFiles(
  root: string,
  include: readonly string[] | undefined,
  exclude: readonly string[] | undefined,
  paths?: readonly string[],
): Promise<string[]> {
  let patterns = include && include.length ? [...include] : DEFAULT_INCLUDE;
  if (paths && paths.length) {
    patterns = [];
    for (const p of paths) {
      const abs = resolve(p);
      if (ts.sys.directoryExists(abs)) patterns.push(`${abs.replace(/\\/g, '/')}/**/*.{ts,tsx,mts,cts}`);
      else if (ts.sys.fileExists(abs)) patterns.push(abs.replace(/\\/g, '/'));
      else patterns.push(p);
    }
  }
  const files = await glob(patterns, { cwd: root, absolute: true, ignore: [...ALWAYS_EXCLUDED, ...(exclude ?? [])], onlyFiles: true });
  return files.map((f) => resolve(f)).sort();
}

function compilerOptions(root: string): ts.CompilerOptions {
  const configFile = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json');
  let options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
  };
  if (configFile) {
    const read = ts.readConfigFile(configFile, ts.sys.readFile);
    if (read.error) throw new ProjectError(`cannot read ${configFile}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configFile), undefined, configFile);
    const fatal = parsed.errors.filter(
      (d) => d.category === ts.DiagnosticCategory.Error && d.code !== 18003 /* no inputs: irrelevant, we pass our own files */,
    );
    if (fatal.length) throw new ProjectError(`invalid ${configFile}: ${ts.flattenDiagnosticMessageText(fatal[0].messageText, '\n')}`);
    options = parsed.options;
  }
  return {
    ...options,
    lib: LINT_LIB,
    noEmit: true,
    // Ambient @types packages (node's alone is ~60 files) cannot change how a quern call resolves,
    // and loading them would double the start-up time. Imports of them still resolve.
    types: [],
    skipLibCheck: true,
    incremental: false,
    composite: false,
    declaration: false,
    sourceMap: false,
    tsBuildInfoFile: undefined,
  };
}

/**
 * Lint never type-checks the user's code: it resolves quern's client types and
 * classifies argument leaves. Those need the ES2015 standard library (Promise,
 * Date, arrays, the utility types), not the user's full lib, and certainly not
 * lib.dom.d.ts, which alone is larger than the rest. The standard library is
 * the largest file set in the program, so this is the biggest single saving
 * in start-up time. APIs from newer libs then type as `any`, which lint treats
 * like any other run-time value.
 */
const LINT_LIB = ['lib.es2015.d.ts'];

const libFiles = new Map<string, ts.SourceFile>();

export interface LintProgram {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  /** The linted files, in order. */
  readonly files: readonly ts.SourceFile[];
}

export function createLintProgram(root: string, files: readonly string[]): LintProgram {
  const options = compilerOptions(root);
  const host = ts.createCompilerHost(options);
  // JSDoc never changes how a call resolves; not parsing it makes lib.*.d.ts parse much faster.
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseNone;
  // TypeScript's own lib files never change: runs in one process (tests, tools) parse them once.
  const libDir = dirname(resolve(host.getDefaultLibFileName(options)));
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, version, onError, create) => {
    if (dirname(resolve(fileName)) !== libDir) return read(fileName, version, onError, create);
    const key = `${fileName}\u0000${JSON.stringify(version)}`;
    let sf = libFiles.get(key);
    if (!sf) {
      sf = read(fileName, version, onError, create);
      if (sf) libFiles.set(key, sf);
    }
    return sf;
  };
  const program = ts.createProgram({ rootNames: files, options, host });
  const sources: ts.SourceFile[] = [];
  for (const f of files) {
    const sf = program.getSourceFile(f);
    if (!sf) throw new ProjectError(`TypeScript could not read ${f}`);
    const syntax = program.getSyntacticDiagnostics(sf);
    if (syntax.length) {
      const d = syntax[0];
      const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      throw new ProjectError(
        `${f}:${line + 1}:${character + 1}: syntax error: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}${syntax.length > 1 ? ` (and ${syntax.length - 1} more)` : ''}`,
      );
    }
    sources.push(sf);
  }
  const unresolved = sources.flatMap((sf) => unresolvedImports(program, sf, options, host));
  if (unresolved.length) {
    throw new ProjectError(
      `TypeScript cannot resolve ${unresolved.length === 1 ? 'an import' : `${unresolved.length} imports`} of the linted files, so their query sites would go unseen:\n` +
        unresolved.map((u) => `  ${u}`).join('\n') +
        `\nfix the import (under moduleResolution NodeNext a relative import needs its extension, e.g. './db.js') or the tsconfig's paths`,
    );
  }
  return { program, checker: program.getTypeChecker(), files: sources };
}

/**
 * Relative and quern imports that do not resolve. With them unresolved the client's type is `any`,
 * no call is recognised as a query, and lint would report "no problems" on a tree it never read.
 * Bare imports of other packages are left alone: lint loads no @types, so `node:fs` does not resolve either.
 */
function unresolvedImports(program: ts.Program, sf: ts.SourceFile, options: ts.CompilerOptions, host: ts.CompilerHost): string[] {
  const out: string[] = [];
  for (const st of sf.statements) {
    const spec = (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec)) continue;
    const name = spec.text;
    if (!(name.startsWith('./') || name.startsWith('../') || name === 'quern' || name.startsWith('quern/'))) continue;
    const mode = program.getModeForUsageLocation(sf, spec);
    if (ts.resolveModuleName(name, sf.fileName, options, host, undefined, undefined, mode).resolvedModule) continue;
    const { line, character } = sf.getLineAndCharacterOfPosition(spec.getStart(sf));
    out.push(`${sf.fileName}:${line + 1}:${character + 1}: cannot resolve '${name}'`);
  }
  return out;
}
