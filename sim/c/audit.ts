// Constructs the parser accepts but the compiler would otherwise pass over, each of which changes
// what a program does: refused at their line, so that no verdict rests on a program the model
// misread. GCC attributes are checked by name: those that change only warnings, inlining or code
// placement are ignored; one that runs code (constructor, destructor, cleanup) or changes a layout
// (packed, aligned on a type, vector_size...) is outside the subset.
import type { Compiler } from './compile.ts';
import { named, type PNode } from './parse.ts';

/** Attributes with no effect on what the program does (GCC's names, without the __x__ spelling). */
const HARMLESS = new Set([
  'unused',
  'used',
  'maybe_unused',
  'noreturn',
  'format',
  'format_arg',
  'nonnull',
  'returns_nonnull',
  'noinline',
  'always_inline',
  'gnu_inline',
  'flatten',
  'warn_unused_result',
  'nodiscard',
  'deprecated',
  'const',
  'pure',
  'cold',
  'hot',
  'malloc',
  'alloc_size',
  'nothrow',
  'leaf',
  'sentinel',
  'fallthrough',
  'visibility',
  'artificial',
  'optimize',
  'no_sanitize',
  'no_sanitize_address',
  'no_instrument_function',
  'noclone',
  'noipa',
  'weak',
  'access',
]);

const WHY: Record<string, string> = {
  constructor: 'runs the function before main',
  destructor: 'runs the function after main returns',
  cleanup: "runs a function when the variable's scope ends",
  packed: "changes the type's layout",
  aligned: "changes the type's layout",
  vector_size: 'makes a vector type',
  mode: "changes the type's size",
  transparent_union: 'is about unions',
};

/** The attribute names of an `__attribute__ ((a, b (x)))` specifier. */
function attributeNames(n: PNode): { name: string; node: PNode }[] {
  const out: { name: string; node: PNode }[] = [];
  const list = named(n).find((c) => c.type === 'argument_list');
  for (const a of list ? named(list) : []) {
    const id = a.type === 'call_expression' ? named(a)[0] : a;
    if (id && id.type === 'identifier') out.push({ name: id.text.replace(/^__(.*)__$/, '$1'), node: id });
  }
  return out;
}

/** Throws a compile error at the first construct the model would misread. */
export function audit(cx: Compiler, root: PNode): void {
  const walk = (n: PNode, parent: PNode | null): void => {
    if (n.type === 'attribute_specifier') {
      for (const { name, node } of attributeNames(n)) {
        if (HARMLESS.has(name)) continue;
        // aligned on a variable moves only its address, which the model keeps symbolic.
        if (name === 'aligned' && parent?.type !== 'struct_specifier' && parent?.type !== 'field_declaration') continue;
        cx.err(
          node,
          `__attribute__((${name})) ${WHY[name] ?? 'is not one the simulator knows'}: outside the supported subset of C`,
        );
      }
      return;
    }
    if (n.type === 'attribute_declaration') cx.err(n, `the attribute ${n.text} is outside the supported subset of C`);
    // Declarations, members, parameters and typedefs read _Atomic (declare.ts declType); elsewhere
    // (a cast, sizeof, a compound literal) it would be passed over.
    if (
      n.type === 'type_qualifier' &&
      n.text === '_Atomic' &&
      !['declaration', 'field_declaration', 'parameter_declaration', 'type_definition'].includes(parent?.type ?? '')
    )
      cx.err(n, `_Atomic in a ${parent?.type.replace(/_/g, ' ') ?? 'type'} is outside the supported subset of C`);
    for (const c of n.children) walk(c, n);
  };
  walk(root, null);
}
