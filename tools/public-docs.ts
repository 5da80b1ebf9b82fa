// Finds public exports (and their members) that lack a doc comment, with the TypeScript compiler API, so a unit test
// can fail the build on undocumented API: the same idea as mediabunny's check-docblocks and typedoc's notDocumented.

import { isAbsolute, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One package entry point whose exports are the public API. */
export interface PublicEntry {
  /** The entry file, relative to the repo root, e.g. `src/index.ts`. */
  file: string;
  /** Whether exports and members tagged `@internal` may be reached from this entry (a subpath) or not (the root). */
  allowInternal: boolean;
}

/** What {@link checkPublicDocs} found. */
export interface PublicDocsReport {
  /** One line per gap, e.g. `src/index.ts: SpriteResult.sheets — no doc comment (declared at src/index.ts:43)`. */
  failures: string[];
  /** The exported names of each entry, keyed by its `file`, in the compiler's order. */
  exportNames: Map<string, string[]>;
}

/**
 * Compiler options for reading the public entries: the repo's shared options from `tsconfig.base.json`, with the
 * libs and types pinned here. Built from the base file rather than `tsconfig.json` so the check survives that file
 * becoming a solution file (`files: []` + `references`) or changing its `lib`/`types`.
 */
export function publicDocsCompilerOptions(rootDir: string): ts.CompilerOptions {
  const configPath = join(rootDir, 'tsconfig.base.json');
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, rootDir, undefined, configPath);
  // 18003 = "No inputs were found": the base file lists no files, and we supply the root names ourselves.
  const errors = parsed.errors.filter((d) => d.code !== 18003);
  if (errors.length > 0)
    throw new Error(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
  // Spread after parsing: options given to parseJsonConfigFileContent would be overridden by the file's own.
  return {
    ...parsed.options,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
    noEmit: true,
    skipLibCheck: true,
  };
}

/** One Program over all the entries (a single checker serves them all, which keeps the test fast). */
export function createPublicProgram(rootDir: string, entries: readonly PublicEntry[]): ts.Program {
  return ts.createProgram({
    rootNames: entries.map((e) => resolve(rootDir, e.file)),
    options: publicDocsCompilerOptions(rootDir),
  });
}

/**
 * Checks every export of every entry:
 * - the export needs a non-empty doc summary;
 * - so does each member of an exported interface, class (public instance and static members; the constructor is
 *   exempt), enum, or object type reached through a type alias (unions and intersections are split into their arms);
 * - members of exported consts and functions are not checked (the export's own doc covers them);
 * - members declared in default lib files or node_modules (e.g. `Error.message`) are skipped;
 * - private, protected and `#private` class members are skipped;
 * - on an entry with `allowInternal: false`, an `@internal` tag on an export or member is a failure;
 * - an `export … from` whose module, or an exported name whose declaration, cannot be found is a failure.
 * A missing doc is reported once, under the first entry (in `entries` order) that exposes it, so list the narrower
 * entries first.
 */
export function checkPublicDocs(
  program: ts.Program,
  rootDir: string,
  entries: readonly PublicEntry[],
): PublicDocsReport {
  const checker = program.getTypeChecker();
  const failures: string[] = [];
  const exportNames = new Map<string, string[]>();
  // Symbols already judged for a missing doc, across entries: one gap, one line.
  const judged = new Set<ts.Symbol>();

  const isProjectFile = (sf: ts.SourceFile): boolean =>
    !program.isSourceFileDefaultLibrary(sf) &&
    !program.isSourceFileFromExternalLibrary(sf) &&
    !/[\\/]node_modules[\\/]/.test(sf.fileName);
  const projectDecls = (sym: ts.Symbol): ts.Declaration[] =>
    (sym.declarations ?? []).filter((d) => isProjectFile(d.getSourceFile()));
  const where = (decl: ts.Declaration): string => {
    const sf = decl.getSourceFile();
    const line = sf.getLineAndCharacterOfPosition((ts.getNameOfDeclaration(decl) ?? decl).getStart(sf)).line + 1;
    const file = relative(rootDir, sf.fileName).replaceAll('\\', '/');
    return `${isAbsolute(file) ? sf.fileName : file}:${line}`;
  };

  for (const entry of entries) {
    const sf = program.getSourceFile(resolve(rootDir, entry.file));
    if (!sf) {
      failures.push(`${entry.file}: entry file not found`);
      continue;
    }
    failures.push(...unresolvedReexports(checker, sf, entry.file, where));
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    const exports = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
    exportNames.set(
      entry.file,
      exports.map((s) => s.getName()),
    );

    // Judges one symbol (an export or a member) whose first project declaration is `decl`.
    const judge = (sym: ts.Symbol, label: string, decl: ts.Declaration): void => {
      if (!judged.has(sym)) {
        judged.add(sym);
        // getDocumentationComment also inherits a base member's doc when the override has none, as typedoc does.
        if (ts.displayPartsToString(sym.getDocumentationComment(checker)).trim() === '') {
          failures.push(`${entry.file}: ${label} — no doc comment (declared at ${where(decl)})`);
        }
      }
      if (!entry.allowInternal && sym.getJsDocTags(checker).some((t) => t.name === 'internal')) {
        failures.push(
          `${entry.file}: ${label} — tagged @internal but reachable from the package root (declared at ${where(decl)})`,
        );
      }
    };

    for (const exported of exports) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const name = exported.getName();
      // An alias to a name its module no longer exports resolves to a symbol with no declaration at all.
      if (!target.declarations?.length) {
        const [aliasDecl] = exported.declarations ?? [];
        failures.push(
          `${entry.file}: ${name} — export does not resolve${aliasDecl ? ` (declared at ${where(aliasDecl)})` : ''}`,
        );
        continue;
      }
      const [decl] = projectDecls(target);
      // A re-export of a dependency's symbol: its docs are that package's business.
      if (!decl) continue;
      judge(target, name, decl);
      // Per-entry so the @internal rule still sees each member once per entry.
      const seenMembers = new Set<ts.Symbol>();
      for (const member of membersOf(checker, target)) {
        for (const memberDecl of projectDecls(member)) {
          if (isHiddenMember(memberDecl)) continue;
          // The declaration's own symbol: a union or intersection property is a synthetic symbol over several.
          const nameNode = ts.getNameOfDeclaration(memberDecl);
          const own = (nameNode && checker.getSymbolAtLocation(nameNode)) ?? member;
          if (seenMembers.has(own)) continue;
          seenMembers.add(own);
          judge(own, `${name}.${member.getName()}`, memberDecl);
        }
      }
    }
  }
  return { failures, exportNames };
}

/** The members whose docs count for an exported symbol: see {@link checkPublicDocs}. */
function membersOf(checker: ts.TypeChecker, sym: ts.Symbol): ts.Symbol[] {
  const members: ts.Symbol[] = [];
  if (sym.flags & ts.SymbolFlags.Class) {
    // Instance side, then static side (whose `prototype` has no declaration and is skipped with the lib members).
    members.push(...checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(sym)));
    members.push(
      ...checker.getPropertiesOfType(checker.getTypeOfSymbol(sym)).filter((p) => p.getName() !== 'prototype'),
    );
  }
  if (sym.flags & ts.SymbolFlags.Interface)
    members.push(...checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(sym)));
  if (sym.flags & ts.SymbolFlags.Enum) {
    sym.exports?.forEach((m) => {
      if (m.flags & ts.SymbolFlags.EnumMember) members.push(m);
    });
  }
  if (sym.flags & ts.SymbolFlags.TypeAlias) {
    for (const part of objectParts(checker.getDeclaredTypeOfSymbol(sym)))
      members.push(...checker.getPropertiesOfType(part));
  }
  return members;
}

/** The object types of a type, splitting unions (each arm of a discriminated union) and intersections. */
function objectParts(type: ts.Type): ts.Type[] {
  if (type.isUnionOrIntersection()) return type.types.flatMap(objectParts);
  return type.flags & ts.TypeFlags.Object ? [type] : [];
}

/** Private, protected and `#private` members are not public API. */
function isHiddenMember(decl: ts.Declaration): boolean {
  const name = ts.getNameOfDeclaration(decl);
  if (name && ts.isPrivateIdentifier(name)) return true;
  return (ts.getCombinedModifierFlags(decl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0;
}

/**
 * `export … from` specifiers that do not resolve, followed through the re-export chain. An unresolved
 * `export *` silently drops names, which would let this check pass on a shrunken surface.
 */
function unresolvedReexports(
  checker: ts.TypeChecker,
  entry: ts.SourceFile,
  label: string,
  where: (d: ts.Declaration) => string,
): string[] {
  const out: string[] = [];
  const visited = new Set<ts.SourceFile>();
  const visit = (sf: ts.SourceFile): void => {
    if (visited.has(sf)) return;
    visited.add(sf);
    for (const stmt of sf.statements) {
      if (!ts.isExportDeclaration(stmt) || !stmt.moduleSpecifier) continue;
      const target = checker.getSymbolAtLocation(stmt.moduleSpecifier);
      const targetFile = target?.valueDeclaration;
      if (targetFile && ts.isSourceFile(targetFile)) visit(targetFile);
      else if (!target)
        out.push(`${label}: cannot resolve re-export ${stmt.moduleSpecifier.getText(sf)} (declared at ${where(stmt)})`);
    }
  };
  visit(entry);
  return out;
}
