// An unedited C example compiles in the browser from a tree packed at build time (c-tree.ts): the tree
// must come back node for node, and the program compiled from it must check as compileC's does.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { compileC, parseC, preprocess } from '../../sim/c/index.ts';
import { packTree, unpackTree } from '../../components/playground/c-tree.ts';
import { explore } from '../../sim/index.ts';

const names = readdirSync('content/examples').filter((f) => f.endsWith('.c'));

describe('packed C trees', () => {
  test('every C example: pack then unpack gives the parser tree back, through JSON', async () => {
    for (const f of names) {
      const pp = preprocess(readFileSync(`content/examples/${f}`, 'utf8'), f);
      const tree = await parseC(pp.text);
      const back = unpackTree(JSON.parse(JSON.stringify(packTree(tree, pp.text))), pp.text);
      expect(back, f).toEqual(tree);
    }
  });

  test('a program compiled from the packed tree finds what compileC finds', async () => {
    for (const f of ['ch1-wrapper-buggy.c', 'ch1-wrapper-fixed.c']) {
      const src = readFileSync(`content/examples/${f}`, 'utf8');
      const pp = preprocess(src, f);
      const packed = JSON.stringify(packTree(await parseC(pp.text), pp.text));
      let parsed = false;
      const fromTree = await compileC(src, f, async (text) => {
        parsed = true;
        return unpackTree(JSON.parse(packed), text);
      });
      const direct = await compileC(src, f);
      expect(parsed).toBe(true);
      if (!fromTree.ok || !direct.ok) throw new Error('did not compile');
      const a = explore(fromTree.program, { stopAtFirst: true });
      const b = explore(direct.program, { stopAtFirst: true });
      expect(a.verdict).toBe(b.verdict);
      expect(a.verdict).toBe(f.includes('buggy') ? 'deadlock' : 'ok');
    }
  });
});
