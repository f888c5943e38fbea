// From a compiled program's line back to the line the reader wrote: esbuild's source map reduced to
// one number per compiled line, so a thread's position in the compiled code can be shown in the source.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes one base64 VLQ run of a mappings segment into its numbers. */
function vlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = B64.indexOf(ch);
    if (digit < 0) break;
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/**
 * For each compiled line (index 0 is line 1), the 1-based source line its first mapped segment comes
 * from, or 0 where the line maps to nothing (esbuild's own helper lines).
 */
export function lineMap(mapJson: string): number[] {
  const map = JSON.parse(mapJson) as { mappings?: string };
  const lines: number[] = [];
  let srcLine = 0;
  for (const group of (map.mappings ?? '').split(';')) {
    let first = 0;
    for (const seg of group.split(',')) {
      if (!seg) continue;
      const f = vlq(seg);
      if (f.length >= 4) {
        srcLine += f[2]!;
        if (!first) first = srcLine + 1;
      }
    }
    lines.push(first);
  }
  return lines;
}

/** The source line of a compiled line, or 0 when unknown. */
export function sourceLine(map: readonly number[] | undefined, compiledLine: number): number {
  return map?.[compiledLine - 1] ?? 0;
}
