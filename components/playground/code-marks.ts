// Follow the bug in the code: the line each thread is at, one colour per thread, in the read-only
// listing (Shiki's line spans) or in the editor (CodeMirror line decorations, editor.ts).

/** Okabe–Ito colours that keep black text at 7:1 or more, so a thread's badge is readable on them. */
export const THREAD_COLOURS = ['#56B4E9', '#E69F00', '#009E73', '#CC79A7', '#F0E442'] as const;

export interface ThreadMark {
  /** 1-based line of the reader's program. */
  line: number;
  tid: number;
  colour: string;
}

/** One colour per thread of a trace, in the order the threads first appear. */
export function threadColours(tids: Iterable<number>): Map<number, string> {
  const out = new Map<number, string>();
  for (const tid of tids) if (!out.has(tid)) out.set(tid, THREAD_COLOURS[out.size % THREAD_COLOURS.length]!);
  return out;
}

/** Marks grouped by line: the attributes a marked line gets (listing and editor alike). */
export function lineAttributes(
  marks: readonly ThreadMark[],
): Map<number, { class: string; style: string; 'data-threads': string; title: string }> {
  const by = new Map<number, ThreadMark[]>();
  for (const m of marks) by.set(m.line, [...(by.get(m.line) ?? []), m]);
  const out = new Map<number, { class: string; style: string; 'data-threads': string; title: string }>();
  for (const [line, ms] of by) {
    const cs = ms.map((m) => m.colour);
    // A stripe per thread at the line's left edge; the badge names the threads.
    const stripes = cs.map((c, i) => `${c} ${i * 5}px ${(i + 1) * 5}px`).join(', ');
    out.set(line, {
      class: 'fl-at',
      style: `--fl-at: ${cs[0]}; --fl-at-stripes: linear-gradient(to right, ${stripes}, transparent ${cs.length * 5}px)`,
      'data-threads': ms.map((m) => `◀ ${m.tid}`).join(' '),
      title: ms.map((m) => `thread ${m.tid} is here`).join('; '),
    });
  }
  return out;
}

/** Shows `marks` in a read-only listing, scrolling the listing (never the page) to `focusLine`. */
export function markListing(code: HTMLElement, marks: readonly ThreadMark[], focusLine?: number): void {
  const lines = code.querySelectorAll<HTMLElement>('.line');
  for (const el of code.querySelectorAll<HTMLElement>('.line.fl-at')) {
    el.classList.remove('fl-at');
    el.style.removeProperty('--fl-at');
    el.style.removeProperty('--fl-at-stripes');
    delete el.dataset.threads;
    el.removeAttribute('title');
  }
  for (const [line, a] of lineAttributes(marks)) {
    const el = lines[line - 1];
    if (!el) continue;
    el.classList.add('fl-at');
    el.setAttribute('style', a.style);
    el.dataset.threads = a['data-threads'];
    el.title = a.title;
  }
  const target = focusLine ? lines[focusLine - 1] : undefined;
  const pre = code.querySelector('pre');
  if (target && pre) {
    requestAnimationFrame(() => {
      const top = target.offsetTop - pre.offsetTop;
      if (top < pre.scrollTop + 10 || top > pre.scrollTop + pre.clientHeight - 30)
        pre.scrollTop = Math.max(0, top - pre.clientHeight / 3);
    });
  }
}
