// Checks every chapter's sources and every link on the site without the network: each link has the
// shape of a page a reader can open, its text names what its address points at, and a commit, a file
// or a bug is named the same way wherever the guide cites it.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkLink, headingSlugs, linksOf, parseLink, sourcesItems, type ParsedLink } from './sources.ts';

const contentDir = fileURLToPath(new URL('../../content/', import.meta.url));
const pages = readdirSync(contentDir)
  .filter((f) => f.endsWith('.mdx'))
  .sort()
  .map((file) => ({ file, slug: file.replace(/\.mdx$/, ''), text: readFileSync(`${contentDir}${file}`, 'utf8') }));

const orderOf = (text: string): number => Number(/^order:\s*([0-9.]+)\s*$/m.exec(text)?.[1] ?? NaN);
/** Chapters are the pages whose order puts them in the sidebar's chapter list. */
const chapters = pages.filter((p) => orderOf(p.text) >= 1 && orderOf(p.text) < 20);

/** Every link on every page, with the page and, for links in a sources list, the item around it. */
const allLinks = pages.flatMap((p) => {
  const inSources = sourcesItems(p.text).flatMap((item) => linksOf(item).map((l) => ({ ...l, item })));
  const keyed = new Set(inSources.map((l) => `${l.text}\u0000${l.url}`));
  const elsewhere = linksOf(p.text).filter((l) => !keyed.has(`${l.text}\u0000${l.url}`));
  return [...inSources, ...elsewhere.map((l) => ({ ...l, item: undefined as string | undefined }))].map((l) => ({
    ...l,
    page: p.file,
    parsed: parseLink(l.url),
  }));
});

describe('the link checker', () => {
  it('accepts the shapes of pages a reader can open', () => {
    for (const url of [
      'https://github.com/bminor/glibc/commit/29d794863cd6e03115d3670707cc873a9965ba92',
      'https://github.com/bminor/glibc/blob/glibc-2.7/nptl/tst-fork1.c',
      'https://man7.org/linux/man-pages/man2/fork.2.html',
      'https://pubs.opengroup.org/onlinepubs/9699919799/functions/pthread_atfork.html',
      'https://sourceware.org/bugzilla/show_bug.cgi?id=19431',
      'https://github.com/python/cpython/issues/80714',
      'https://doi.org/10.1145/3317550.3321435',
    ]) {
      expect(parseLink(url).kind, url).not.toBe('unknown');
    }
  });

  it('refuses an abbreviated commit, a man page in the wrong section and plain http', () => {
    expect(parseLink('https://github.com/bminor/glibc/commit/29d794863c').kind).toBe('unknown');
    expect(checkLink({ text: 'fork(2)', url: 'https://man7.org/linux/man-pages/man3/fork.3.html' })).toMatch(/fork\(2\)/);
    expect(parseLink('http://man7.org/linux/man-pages/man2/fork.2.html').kind).toBe('unknown');
  });

  it('refuses link text that names something other than the address', () => {
    expect(checkLink({ text: '`29d794863c`', url: 'https://github.com/bminor/glibc/commit/c32c868ab8b2b95724550d0130782c0767fc3bab' })).toMatch(/29d794863c/);
    expect(checkLink({ text: '`posix/fork.c`', url: 'https://github.com/bminor/glibc/blob/glibc-2.34/posix/spawn.c' })).toMatch(/posix\/fork\.c/);
    expect(checkLink({ text: 'bug 19431', url: 'https://sourceware.org/bugzilla/show_bug.cgi?id=838' })).toMatch(/19431/);
    expect(checkLink({ text: '`pthread_atfork()`', url: 'https://pubs.opengroup.org/onlinepubs/9699919799/functions/fork.html' })).toMatch(/pthread_atfork/);
    expect(checkLink({ text: 'gh-100228', url: 'https://github.com/python/cpython/issues/100229' })).toMatch(/100228/);
    expect(checkLink({ text: '`posix/fork.c`', url: 'https://github.com/bminor/glibc/blob/glibc-2.34/posix/fork.c' })).toBeNull();
  });

  it('finds the items of a sources list, continuation lines included', () => {
    const page = 'Text.\n\n## Sources\n\n- one [a](https://doi.org/10.1/x)\n  and more\n- two\n\n## After\n\n- not a source\n';
    expect(sourcesItems(page)).toEqual(['one [a](https://doi.org/10.1/x)\n  and more', 'two']);
  });
});

describe('sources', () => {
  it('there are chapters to check', () => {
    expect(chapters.length).toBeGreaterThan(5);
  });

  for (const chapter of chapters) {
    it(`${chapter.file} ends with a sources list, and every source in it has a link a reader can open`, () => {
      const items = sourcesItems(chapter.text);
      expect(items.length, `${chapter.file} has no "## Sources" list`).toBeGreaterThan(0);
      const bare = items.filter((item) => !linksOf(item).some((l) => parseLink(l.url).kind !== 'unknown'));
      expect(bare, `${chapter.file}: sources without a link`).toEqual([]);
    });
  }
});

describe('links', () => {
  it('every external link has a known shape, and its text names what it points at', () => {
    const problems = allLinks
      .map((l) => ({ l, problem: checkLink(l) }))
      .filter((x) => x.problem !== null)
      .map((x) => `${x.l.page}: [${x.l.text}](${x.l.url}): ${x.problem}`);
    expect(problems).toEqual([]);
  });

  it('every link inside the site names a page that exists, and a heading on it', () => {
    const problems: string[] = [];
    for (const l of allLinks.filter((x) => x.parsed.kind === 'internal')) {
      const { slug, anchor } = l.parsed as Extract<ParsedLink, { kind: 'internal' }>;
      const wanted = slug === null ? l.page.replace(/\.mdx$/, '') : slug === '' ? 'index' : slug;
      const target = pages.find((p) => p.slug === wanted);
      if (!target) {
        problems.push(`${l.page}: ${l.url}: no page content/${slug}.mdx`);
        continue;
      }
      if (anchor && !headingSlugs(target.text).includes(anchor)) {
        problems.push(`${l.page}: ${l.url}: no heading with the id "${anchor}" on ${target.file}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('a full commit id always belongs to the same repository', () => {
    const repoOf = new Map<string, Set<string>>();
    for (const l of allLinks) {
      if (l.parsed.kind !== 'github-commit' && !(l.parsed.kind === 'github-blob' && /^[0-9a-f]{40}$/.test(l.parsed.ref))) continue;
      const sha = l.parsed.kind === 'github-commit' ? l.parsed.sha : l.parsed.ref;
      const set = repoOf.get(sha) ?? new Set();
      set.add(l.parsed.repo);
      repoOf.set(sha, set);
    }
    const clashes = [...repoOf].filter(([, repos]) => repos.size > 1).map(([sha, repos]) => `${sha}: ${[...repos].join(', ')}`);
    expect(clashes).toEqual([]);
  });

  it('every abbreviated commit id in the prose names exactly one commit that the guide links in full', () => {
    const full = [...new Set(allLinks.flatMap((l) => (l.parsed.kind === 'github-commit' ? [l.parsed.sha] : [])))];
    const problems: string[] = [];
    for (const p of pages) {
      // "commit 29d794863c", "(commit c32c868ab8)", "`9ff72da471`": hex words of 7 to 39 digits with a digit and a letter.
      const prose = p.text.replace(/\]\([^)]*\)/g, ']');
      for (const m of prose.matchAll(/(?:commit |`)([0-9a-f]{7,39})(?=[`\s,.;:)])/g)) {
        const short = m[1]!;
        if (!/[a-f]/.test(short) || !/[0-9]/.test(short)) continue;
        const matches = full.filter((sha) => sha.startsWith(short));
        if (matches.length !== 1) problems.push(`${p.file}: ${short} matches ${matches.length} linked commits`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('a glibc file is linked at the release or snapshot its source item names', () => {
    const problems: string[] = [];
    const heads = new Set<string>();
    for (const l of allLinks) {
      if (l.parsed.kind !== 'github-blob' || l.parsed.repo !== 'bminor/glibc' || l.item === undefined) continue;
      const { ref } = l.parsed;
      const tag = /^glibc-(\d+\.\d+)$/.exec(ref);
      if (tag) {
        if (!new RegExp(`\\b${tag[1]!.replace('.', '\\.')}\\b`).test(l.item)) problems.push(`${l.page}: ${l.url} is at ${ref}, but its item never names glibc ${tag[1]}`);
      } else {
        heads.add(ref);
        if (!/\bHEAD\b/.test(l.item)) problems.push(`${l.page}: ${l.url} is at a snapshot, but its item does not say HEAD`);
      }
    }
    expect(problems).toEqual([]);
    expect([...heads], 'glibc HEAD is one snapshot everywhere').toHaveLength(1);
  });

  it('a Plash file is linked at the revision its source item names, under that revision\'s directory layout', () => {
    // Plash's svn revisions as git commits (facts.md §0); the tree moved from src/ to plash/src/ on 2008-05-31.
    const revisions: Record<string, { rev: number; moved: boolean }> = {
      '39cfd125b1b06937f301c1e9b1c8369567d5c938': { rev: 743, moved: false },
      '8bd1e36a953e2479d500c8be2d2fbfd8b63a89e2': { rev: 815, moved: true },
      'bca986bf038d5c90264e93035f156cdb8922c2c4': { rev: 834, moved: true },
    };
    const problems: string[] = [];
    for (const l of allLinks) {
      if (l.parsed.kind !== 'github-blob' || l.parsed.repo !== 'mseaborn/plash') continue;
      const at = revisions[l.parsed.ref];
      if (!at) {
        problems.push(`${l.page}: ${l.url} is not at a revision the guide discusses`);
        continue;
      }
      if (at.moved !== l.parsed.path.startsWith('plash/')) {
        problems.push(`${l.page}: ${l.url}: at r${at.rev} the file is ${at.moved ? 'under plash/' : 'not under plash/'}`);
      }
      if (l.item !== undefined && !new RegExp(`\\b(r${at.rev}|revision ${at.rev}|${l.parsed.ref.slice(0, 7)})`).test(l.item)) {
        problems.push(`${l.page}: ${l.url} is at r${at.rev}, but its item does not say so`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the same bug, issue or man page is always written with the same address', () => {
    const byName = new Map<string, Set<string>>();
    for (const l of allLinks) {
      const name = /\b(bpo-\d+|gh-\d+|bug \d+|[a-z_0-9.]+\([1-8]\))/i.exec(l.text)?.[1];
      if (!name) continue;
      const set = byName.get(name.toLowerCase()) ?? new Set();
      set.add(l.url);
      byName.set(name.toLowerCase(), set);
    }
    const clashes = [...byName].filter(([, urls]) => urls.size > 1).map(([name, urls]) => `${name}: ${[...urls].join(' ')}`);
    expect(clashes).toEqual([]);
  });
});

describe('the quoted log', () => {
  it('content/quoted/ holds the report\'s log exactly as the report prints it', () => {
    const quoted = `${contentDir}quoted/fork-can-deadlock-strace.txt`;
    expect(existsSync(quoted)).toBe(true);
    const text = readFileSync(quoted, 'utf8');
    // The lines chapter 1's notes and exercise refer to by number.
    const lines = text.split('\n');
    expect(lines[13]).toContain('-1 EAGAIN');
    expect(lines[22]).toBe('cloned 5: futex(0x2b79a1b1e2c0, 0x81 /* FUTEX_??? */, 1) = 0');
    expect(lines[60]).toBe('cloned 4: <... futex resumed> ) = 1');
    expect(lines[63]).toBe('cloned 4: futex(0x2b79a1b1fba0, 0x81 /* FUTEX_??? */, 1 <unfinished ...>');
    expect(lines[74]).toBe('cloned 4: cloned 1: futex(0x2b79a1b1e2c0, 0x80 /* FUTEX_??? */, 2 <unfinished ...>');
  });
});
