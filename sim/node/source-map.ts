// Just enough of source maps (version 3, one source) to turn a position in compiled program code back
// into the line and column of the file the student wrote.
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** [generatedColumn, sourceLine, sourceColumn] per segment, one array per generated line (all 0-based). */
export function decodeMappings(mappings: string): number[][][] {
  const lines: number[][][] = [];
  let srcLine = 0;
  let srcCol = 0;
  let src = 0;
  let name = 0;
  for (const line of mappings.split(';')) {
    const segs: number[][] = [];
    let genCol = 0;
    for (const seg of line.split(',')) {
      if (seg === '') continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        if (digit < 0) return lines;
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += values[0] ?? 0;
      if (values.length >= 4) {
        src += values[1]!;
        srcLine += values[2]!;
        srcCol += values[3]!;
        if (values.length >= 5) name += values[4]!;
        segs.push([genCol, srcLine, srcCol]);
      }
    }
    lines.push(segs);
  }
  void src;
  void name;
  return lines;
}

/** The source position (1-based line and column) of a generated one (1-based), or null. */
export function originalPosition(
  map: number[][][],
  line: number,
  column: number,
): { line: number; column: number } | null {
  for (let l = line - 1; l >= 0; l--) {
    const segs = map[l];
    if (!segs || segs.length === 0) continue;
    let best = segs[0]!;
    if (l === line - 1) for (const s of segs) if (s[0]! <= column - 1) best = s;
    return {
      line: best[1]! + 1,
      column: (l === line - 1 ? best[2]! + Math.max(0, column - 1 - best[0]!) : best[2]!) + 1,
    };
  }
  return null;
}
