// A Storage in memory for the saved-edit tests: localStorage's interface, with a quota in characters
// (keys and values counted, as browsers do) past which setItem throws QuotaExceededError.
export function memoryStorage(limit = Infinity): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => {
      const used = [...m].reduce((n, [a, b]) => n + a.length + b.length, 0) - (m.get(k)?.length ?? 0);
      if (used + k.length + v.length > limit) throw new DOMException('full', 'QuotaExceededError');
      m.set(k, v);
    },
  };
}
