// The directives: #include of known headers (by name, never read), #define (object-like and
// function-like) and #undef, #if/#ifdef/#ifndef/#elif/#else/#endif, #error; #pragma, #line and
// #warning are accepted and ignored.
import type { Expander } from './expand.ts';
import { evalIf } from './if-expr.ts';
import { CError, tokenize, type Tok } from './tokens.ts';

/** The system headers the front end knows by name (their declarations are built in). */
export const KNOWN_HEADERS: ReadonlySet<string> = new Set([
  'pthread.h',
  'stdio.h',
  'stdlib.h',
  'unistd.h',
  'sys/wait.h',
  'signal.h',
  'fcntl.h',
  'errno.h',
  'string.h',
  'time.h',
  'stdint.h',
  'stdbool.h',
  'stddef.h',
  'assert.h',
  'sys/types.h',
  'sys/socket.h',
  'semaphore.h',
  'dlfcn.h',
  'malloc.h',
  'inttypes.h',
  'limits.h',
  'sys/stat.h',
  'sys/syscall.h',
  'stdarg.h',
  'sched.h',
  'sys/time.h',
  'stdatomic.h',
  'error.h',
  'wait.h',
  'ctype.h',
  'strings.h',
]);
/** Included by name with quotes or angle brackets: the project's own header and glibc's test driver. */
export const PROJECT_HEADERS: ReadonlySet<string> = new Set([
  'forklore.h',
  'support/test-driver.c',
  '../test-skeleton.c',
  'array_length.h',
  'support/check.h',
  'support/xunistd.h',
  'support/xthread.h',
  'support/temp_file.h',
  'support/xsignal.h',
]);

/**
 * The macros of glibc 2.36's test support headers (support/check.h, include/array_length.h). glibc
 * writes TEST_VERIFY and TEST_COMPARE as statement expressions with __typeof__; tests use them as
 * statements, so here each is the same code in do { } while (0), its values held as long long.
 * The functions they call are sim/c/lib/support.ts.
 */
const SUPPORT_MACROS: Record<string, string[]> = {
  'array_length.h': ['array_length(var) (sizeof (var) / sizeof ((var)[0]))'],
  'support/check.h': [
    'FAIL_RET(...) return support_print_failure_impl (__FILE__, __LINE__, __VA_ARGS__)',
    'FAIL_EXIT(status, ...) support_exit_failure_impl (status, __FILE__, __LINE__, __VA_ARGS__)',
    'FAIL_EXIT1(...) support_exit_failure_impl (1, __FILE__, __LINE__, __VA_ARGS__)',
    'FAIL_UNSUPPORTED(...) support_exit_failure_impl (77, __FILE__, __LINE__, __VA_ARGS__)',
    'TEST_VERIFY(expr) do { if (expr) ; else support_test_verify_impl (__FILE__, __LINE__, #expr); } while (0)',
    'TEST_VERIFY_EXIT(expr) do { if (expr) ; else support_test_verify_exit_impl (1, __FILE__, __LINE__, #expr); } while (0)',
    'TEST_COMPARE(left, right) do { long long __left_value = (left); long long __right_value = (right); ' +
      'int __left_is_positive = __left_value > 0; int __right_is_positive = __right_value > 0; ' +
      'if (__left_value != __right_value || __left_is_positive != __right_is_positive) ' +
      'support_test_compare_failure (__FILE__, __LINE__, #left, __left_value, __left_is_positive, sizeof (+ (left)), ' +
      '#right, __right_value, __right_is_positive, sizeof (+ (right))); } while (0)',
    'TEST_COMPARE_BLOB(left, left_length, right, right_length) (support_test_compare_blob (left, left_length, ' +
      'right, right_length, __FILE__, __LINE__, #left, #left_length, #right, #right_length))',
  ],
};

/**
 * What a header brings in with it, as glibc 2.36's headers do: <pthread.h> includes <sched.h> and
 * <time.h>, <sys/wait.h> includes <signal.h> (under the default _DEFAULT_SOURCE, which sets
 * __USE_XOPEN2K8), <wait.h> is `#include <sys/wait.h>`, and glibc's legacy "../test-skeleton.c" ends with
 * `#include <support/test-driver.c>` (its do_test, or TEST_FUNCTION, runs as main).
 */
const IMPLIES: Record<string, string[]> = {
  'pthread.h': ['sched.h', 'time.h'],
  'sys/wait.h': ['signal.h'],
  'wait.h': ['sys/wait.h'],
  '../test-skeleton.c': ['support/test-driver.c'],
  'support/xunistd.h': ['sys/types.h', 'unistd.h'],
  'support/xthread.h': ['pthread.h'],
  'support/xsignal.h': ['signal.h'],
  'support/check.h': ['stddef.h'],
};

interface Cond {
  /** This group is being emitted. */
  active: boolean;
  /** A branch of this #if was already taken. */
  done: boolean;
  parentActive: boolean;
  line: number;
  sawElse: boolean;
}

export class Directives {
  /** Headers included, by name. */
  readonly includes = new Set<string>();
  readonly conds: Cond[] = [];
  constructor(private readonly ex: Expander) {}

  /** Lines outside every #if, or inside only taken branches, are emitted. */
  active(): boolean {
    return this.conds.length === 0 || this.conds[this.conds.length - 1]!.active;
  }

  /**
   * Runs the directive `body` (the text after '#'), at `indent` columns into source line `line`. An
   * `#include "FILE"` of a file that is not a known header comes back for the preprocessor to read.
   */
  run(body: string, line: number, indent: number): { include: string; column: number } | void {
    const toks = tokenize(body, line).filter((t) => t.k !== 'ws');
    const col = (t: Tok | undefined) => (t ? t.col + indent + 2 : indent + 1);
    const name = toks[0]?.v ?? '';
    const rest = toks.slice(1);
    switch (name) {
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        const parentActive = this.active();
        let v = false;
        if (parentActive) {
          if (name === 'if') v = evalIf(rest, line, indent, this.ex);
          else {
            if (rest[0]?.k !== 'id') throw new CError(`#${name} needs a macro name`, line, col(rest[0]));
            v = this.ex.macros.has(rest[0].v) === (name === 'ifdef');
          }
        }
        this.conds.push({ active: parentActive && v, done: v, parentActive, line, sawElse: false });
        return;
      }
      case 'elif': {
        const c = this.conds[this.conds.length - 1];
        if (!c) throw new CError('#elif without #if', line, indent + 1);
        if (c.sawElse) throw new CError('#elif after #else', line, indent + 1);
        if (c.done || !c.parentActive) c.active = false;
        else {
          const v = evalIf(rest, line, indent, this.ex);
          c.active = v;
          c.done = v;
        }
        return;
      }
      case 'else': {
        const c = this.conds[this.conds.length - 1];
        if (!c) throw new CError('#else without #if', line, indent + 1);
        if (c.sawElse) throw new CError('#else after #else', line, indent + 1);
        c.sawElse = true;
        c.active = c.parentActive && !c.done;
        c.done = true;
        return;
      }
      case 'endif':
        if (!this.conds.pop()) throw new CError('#endif without #if', line, indent + 1);
        return;
    }
    if (!this.active()) return;
    switch (name) {
      case '':
        return;
      case 'include': {
        const t = toks[1];
        let header: string | null = null;
        if (t?.k === 'str') header = t.v.slice(1, -1);
        else if (t?.v === '<') {
          const close = toks.findIndex((x) => x.v === '>');
          if (close > 1) header = body.slice(toks[2]!.col, toks[close]!.col).trim();
        }
        if (header === null) throw new CError('#include needs "file" or <file>', line, col(t));
        // A file of the program's own: "FILE", or <DIR/FILE.c> as glibc's tests include each other's
        // sources (<stdlib/tst-atexit-common.c>, from the top of its tree).
        if ((t?.k === 'str' || header.endsWith('.c')) && !KNOWN_HEADERS.has(header) && !PROJECT_HEADERS.has(header))
          return { include: header, column: col(t) };
        if (!KNOWN_HEADERS.has(header) && !PROJECT_HEADERS.has(header)) {
          throw new CError(
            `#include <${header}>: the simulator knows only the headers ${[...KNOWN_HEADERS].join(', ')}, "forklore.h", <support/test-driver.c> and glibc's test support headers (${[...PROJECT_HEADERS].filter((h) => h.includes('/') && h !== 'support/test-driver.c' && !h.startsWith('..')).join(', ')}, array_length.h)`,
            line,
            col(t),
          );
        }
        if (!this.includes.has(header))
          for (const def of SUPPORT_MACROS[header] ?? []) this.run(`define ${def}`, line, indent);
        this.includes.add(header);
        for (const todo = [...(IMPLIES[header] ?? [])]; todo.length > 0;) {
          const h = todo.pop()!;
          if (!this.includes.has(h)) todo.push(...(IMPLIES[h] ?? []));
          this.includes.add(h);
        }
        return;
      }
      case 'define': {
        const nt = toks[1];
        if (nt?.k !== 'id') throw new CError('#define needs a macro name', line, col(nt));
        const all = tokenize(body, line);
        const ni = all.findIndex((x) => x.col === nt.col);
        let i = ni + 1;
        let params: string[] | null = null;
        let variadic = false;
        if (all[i]?.v === '(') {
          params = [];
          i++;
          for (;;) {
            while (all[i]?.k === 'ws') i++;
            const p = all[i];
            if (!p) throw new CError(`#define ${nt.v}: unterminated parameter list`, line, col(nt));
            if (p.v === ')') {
              i++;
              break;
            }
            if (p.v === '...') variadic = true;
            else if (p.k === 'id') params.push(p.v);
            else if (p.v !== ',')
              throw new CError(`#define ${nt.v}: unexpected '${p.v}' in the parameter list`, line, p.col + indent + 2);
            i++;
          }
        }
        const bodyToks = all.slice(i);
        while (bodyToks[0]?.k === 'ws') bodyToks.shift();
        while (bodyToks[bodyToks.length - 1]?.k === 'ws') bodyToks.pop();
        this.ex.macros.set(nt.v, { name: nt.v, params, variadic, body: bodyToks.map((b) => ({ ...b, col: -1 })) });
        return;
      }
      case 'undef':
        if (toks[1]?.k !== 'id') throw new CError('#undef needs a macro name', line, col(toks[1]));
        this.ex.macros.delete(toks[1].v);
        return;
      case 'error':
        throw new CError(`#error${body.slice(name.length)}`, line, indent + 1);
      case 'warning':
      case 'pragma':
      case 'line':
        return;
      default:
        throw new CError(`unknown preprocessor directive #${name}`, line, indent + 1);
    }
  }
}
