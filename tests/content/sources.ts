// Reads links out of the chapters' MDX and checks one link at a time: its address has the shape of a
// page a reader can open, and its text names the commit, file, man page, section or bug it points at.

export interface Link {
  text: string;
  url: string;
}

/** What an address points at, as far as its shape tells. */
export type ParsedLink =
  /** A page of the site; slug null is the page the link is on (a bare #anchor). */
  | { kind: 'internal'; slug: string | null; anchor: string | undefined }
  | { kind: 'github-commit'; repo: string; sha: string }
  | { kind: 'github-blob'; repo: string; ref: string; path: string }
  | { kind: 'github-issue'; repo: string; number: number }
  | { kind: 'github-repo'; repo: string }
  | { kind: 'man7'; name: string; section: string }
  | { kind: 'posix'; edition: '2017' | '2024'; name: string }
  | { kind: 'sourceware-bug'; id: number }
  | { kind: 'austin-group'; id: number }
  | { kind: 'doi'; doi: string }
  | { kind: 'python-docs'; page: string }
  | { kind: 'googlesource'; host: string; path: string }
  | { kind: 'unknown' };

const REPO = '([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)';
const PATH = '([A-Za-z0-9_.+/-]+[A-Za-z0-9_+-])';

/** Parses an address; anything not in the list of known shapes is 'unknown' (and fails the checks). */
export function parseLink(url: string): ParsedLink {
  let m: RegExpExecArray | null;
  if ((m = /^\/([a-z0-9-]*)\/?(?:#([a-z0-9_-]+))?$/.exec(url))) return { kind: 'internal', slug: m[1]!, anchor: m[2] };
  if ((m = /^#([a-z0-9_-]+)$/.exec(url))) return { kind: 'internal', slug: null, anchor: m[1] };
  if ((m = new RegExp(`^https://github\\.com/${REPO}/commit/([0-9a-f]{40})$`).exec(url))) return { kind: 'github-commit', repo: m[1]!, sha: m[2]! };
  // A file at a full commit id or at a release tag: never at a branch, which moves.
  if ((m = new RegExp(`^https://github\\.com/${REPO}/blob/([0-9a-f]{40}|glibc-\\d+\\.\\d+|v?\\d+(?:\\.\\d+)+)/${PATH}$`).exec(url))) {
    return { kind: 'github-blob', repo: m[1]!, ref: m[2]!, path: m[3]! };
  }
  if ((m = new RegExp(`^https://github\\.com/${REPO}/(?:issues|pull)/([0-9]+)$`).exec(url))) return { kind: 'github-issue', repo: m[1]!, number: Number(m[2]) };
  if ((m = new RegExp(`^https://github\\.com/${REPO}$`).exec(url))) return { kind: 'github-repo', repo: m[1]! };
  if ((m = /^https:\/\/man7\.org\/linux\/man-pages\/man([1-8])\/([A-Za-z0-9_.-]+)\.([1-8])\.html$/.exec(url)) && m[1] === m[3]) {
    return { kind: 'man7', name: m[2]!, section: m[1]! };
  }
  if ((m = /^https:\/\/pubs\.opengroup\.org\/onlinepubs\/(9699919799|9799919799)\/functions\/([A-Za-z_][A-Za-z0-9_]*)\.html$/.exec(url))) {
    return { kind: 'posix', edition: m[1] === '9699919799' ? '2017' : '2024', name: m[2]! };
  }
  if ((m = /^https:\/\/sourceware\.org\/bugzilla\/show_bug\.cgi\?id=([0-9]+)$/.exec(url))) return { kind: 'sourceware-bug', id: Number(m[1]) };
  if ((m = /^https:\/\/austingroupbugs\.net\/view\.php\?id=([0-9]+)$/.exec(url))) return { kind: 'austin-group', id: Number(m[1]) };
  if ((m = /^https:\/\/doi\.org\/(10\.[0-9]{4,}\/[^\s]+)$/.exec(url))) return { kind: 'doi', doi: m[1]! };
  if ((m = /^https:\/\/docs\.python\.org\/3\/library\/([a-z_.]+)\.html(?:#[A-Za-z0-9_.-]+)?$/.exec(url))) return { kind: 'python-docs', page: m[1]! };
  if ((m = /^https:\/\/(chromium|android)\.googlesource\.com\/([A-Za-z0-9_./+-]+)$/.exec(url))) return { kind: 'googlesource', host: m[1]!, path: m[2]! };
  return { kind: 'unknown' };
}

/** Every Markdown link [text](url) in a piece of MDX, outside code blocks. */
export function linksOf(mdx: string): Link[] {
  const body = mdx.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '');
  return [...body.matchAll(/\[((?:[^\]\\]|\\.)*)\]\(([^)\s]+)\)/g)].map((m) => ({ text: m[1]!, url: m[2]! }));
}

/** The items of a page's "## Sources" list, each with its continuation lines. */
export function sourcesItems(mdx: string): string[] {
  const start = /^## Sources[ \t]*$/m.exec(mdx);
  if (!start) return [];
  const rest = mdx.slice(start.index + start[0].length);
  const end = /^#{1,2} /m.exec(rest);
  const section = end ? rest.slice(0, end.index) : rest;
  const items: string[] = [];
  for (const line of section.split('\n')) {
    if (/^- /.test(line)) items.push(line.slice(2));
    else if (/^[ \t]+\S/.test(line) && items.length > 0) items[items.length - 1] += `\n${line}`;
  }
  return items;
}

/** The ids Starlight gives a page's headings (github-slugger: lower case, punctuation dropped, spaces to '-'). */
export function headingSlugs(mdx: string): string[] {
  return [...mdx.matchAll(/^#{2,6}\s+(.+?)\s*$/gm)].map((m) =>
    m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-'),
  );
}

/** Code spans in a link's text, e.g. the `posix/fork.c` of [`posix/fork.c`](…). */
const codeSpans = (text: string): string[] => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/**
 * What is wrong with one link, or null. The text must not contradict the address: a commit id in the
 * text is a prefix of the linked one, a file name is the linked path, a man page's name and section are
 * the page's, a POSIX function is the page's, a bug or issue number is the one linked.
 */
export function checkLink(link: Link): string | null {
  const p = parseLink(link.url);
  const text = link.text;
  switch (p.kind) {
    case 'unknown':
      return 'not an address of a known shape (https, a full commit id or a release tag, man7, POSIX, sourceware, CPython, …)';
    case 'internal':
    case 'github-repo':
    case 'doi':
    case 'googlesource':
      break;
    case 'python-docs':
      break;
    case 'github-commit': {
      for (const span of codeSpans(text)) {
        if (/^[0-9a-f]{7,40}$/.test(span) && !p.sha.startsWith(span)) return `the text names commit ${span}, the link is ${p.sha}`;
      }
      break;
    }
    case 'github-blob': {
      const spans = codeSpans(text);
      if (spans.length > 0 && spans.every((s) => s.includes('/') || /\.[a-z]+$/.test(s)) && !spans.includes(p.path)) {
        return `the text names ${spans.join(', ')}, the link is to ${p.path}`;
      }
      break;
    }
    case 'github-issue': {
      const named = /(?:([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+))?(?:#|gh-|PR #)([0-9]+)/.exec(text);
      if (named) {
        if (Number(named[2]) !== p.number) return `the text names ${named[0]}, the link is to number ${p.number}`;
        if (named[1] && named[1] !== p.repo) return `the text names ${named[1]}, the link is to ${p.repo}`;
      } else if (!/^bpo-[0-9]+$/.test(text) && !/issue|PR|pull/i.test(text)) {
        return 'the text names no issue or pull request';
      }
      break;
    }
    case 'man7': {
      const named = /^([A-Za-z0-9_.-]+)\(([1-8])\)$/.exec(text.replace(/`/g, ''));
      if (!named) return `a man page's link text is name(section), e.g. ${p.name}(${p.section})`;
      if (named[1] !== p.name || named[2] !== p.section) return `the text names ${text}, the link is to ${p.name}(${p.section})`;
      break;
    }
    case 'posix': {
      const named = /^`?([A-Za-z_][A-Za-z0-9_]*)\(\)`?$/.exec(text);
      if (!named) return `a POSIX function's link text is its name, e.g. \`${p.name}()\``;
      if (named[1] !== p.name) return `the text names ${named[1]}(), the link is to ${p.name}()`;
      break;
    }
    case 'sourceware-bug':
    case 'austin-group': {
      const numbers = [...text.matchAll(/[0-9]+/g)].map((m) => Number(m[0]));
      if (!numbers.includes(p.id)) return `the text names ${numbers.join(', ') || 'no number'}, the link is to ${p.id}`;
      break;
    }
    default: {
      const never: never = p;
      return `unhandled ${String(never)}`;
    }
  }
  return null;
}
