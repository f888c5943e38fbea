// `#include "FILE"` from the command line: FILE is read from the including file's directory, or below
// it, and nowhere else. A name must be relative and may not step out ("..", an absolute path, a
// symbolic link that leads outside); a nested include looks next to the file that includes it first,
// as GCC does for quoted names, then in the first file's directory. Node only, without importing node:
// modules (sim/c must load in a Web Worker too, where there are no files to include).

interface Fs {
  readFileSync(p: string, enc: 'utf8'): string;
  realpathSync(p: string): string;
  statSync(p: string): { isFile(): boolean; size: number };
}
interface Path {
  resolve(...p: string[]): string;
  dirname(p: string): string;
  relative(from: string, to: string): string;
  isAbsolute(p: string): boolean;
  sep: string;
}

/** An included file larger than this is refused (the C files this reads are a program's own). */
const MAX_BYTES = 1 << 20;

/** The reader for compileC's `include` option, for a program read from `file`. */
export function includeBeside(file: string): (name: string, from: string) => string | { error: string } {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (!get) return () => ({ error: 'included files are read only by the command line tool' });
  const fs = get('node:fs') as Fs;
  const path = get('node:path') as Path;
  let top: string;
  try {
    top = fs.realpathSync(path.dirname(path.resolve(file)));
  } catch {
    return () => ({ error: `the directory of ${file} cannot be read` });
  }
  const inside = (p: string) => {
    const r = path.relative(top, p);
    return r !== '' && !r.startsWith('..') && !path.isAbsolute(r);
  };
  return (name, from) => {
    if (name === '' || name.includes('\0') || name.includes('\\') || path.isAbsolute(name) || name.startsWith('/'))
      return { error: 'an included file must be named relative to the including file, without an absolute path' };
    if (name.split('/').includes('..'))
      return {
        error: 'an included file must be in the including file\'s directory or below it ("..", outside it, is refused)',
      };
    // `from` is the main file's name or an included file's name relative to `top`.
    const fromDir = from.includes('/') ? path.resolve(top, path.dirname(from)) : top;
    for (const dir of fromDir === top ? [top] : [fromDir, top]) {
      const candidate = path.resolve(dir, name);
      let real: string;
      try {
        real = fs.realpathSync(candidate);
      } catch {
        continue;
      }
      if (!inside(real))
        return { error: `it leads outside the directory of ${file} (a symbolic link), so it is not read` };
      const st = fs.statSync(real);
      if (!st.isFile()) return { error: 'it is not a regular file' };
      if (st.size > MAX_BYTES) return { error: `it is larger than ${MAX_BYTES} bytes` };
      return fs.readFileSync(real, 'utf8');
    }
    return { error: `no such file next to ${from}` };
  };
}
