import ts from 'typescript';

const ROOT = new URL('../../', import.meta.url).pathname;

function compilerOptions(): ts.CompilerOptions {
  const configPath = `${ROOT}tsconfig.json`;
  const file = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  return ts.parseJsonConfigFileContent(file.config as object, ts.sys, ROOT).options;
}

/** Whether an export is a type only: no value at runtime (classes and functions are values). */
function isTypeOnly(checker: ts.TypeChecker, exported: ts.Symbol): boolean {
  const target =
    exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  return (target.flags & ts.SymbolFlags.Value) === 0;
}

/**
 * The names each entry file exports as types only, sorted, read by the TypeScript checker:
 * the half of a public API that `Object.keys(await import(entry))` cannot see.
 */
export function typeExportsOf(entries: readonly string[]): Map<string, string[]> {
  const program = ts.createProgram(
    entries.map((entry) => ROOT + entry),
    compilerOptions(),
  );
  const checker = program.getTypeChecker();
  return new Map(
    entries.map((entry) => {
      const source = program.getSourceFile(ROOT + entry);
      const module = source && checker.getSymbolAtLocation(source);
      if (!module) throw new Error(`${entry} is not a module`);
      const exported = checker.getExportsOfModule(module);
      const types = exported.filter((symbol) => isTypeOnly(checker, symbol));
      return [entry, types.map((symbol) => symbol.name).sort()];
    }),
  );
}
