// Attaches StraceLog's notes to lines of a rendered log, in order, failing loudly when a note's line is gone.

/** A note as the page writes it: a piece of text to look for, and what to say about that line. */
export type NoteSpec = Record<string, string> | [key: string, note: string][];

export interface PlacedNote {
  /** 0-based index of the line the note describes. */
  line: number;
  text: string;
  /** 1-based number shown beside the line and in the list of notes. */
  mark: number;
}

/**
 * Each note attaches to the first line, after the line the previous note attached to, that contains
 * its key; so two notes with the same key describe two successive matching lines. A key that matches
 * nothing throws, naming the key and showing the log, so a note cannot outlive the line it explains.
 */
export function placeNotes(lines: readonly string[], spec: NoteSpec, context = 'StraceLog'): PlacedNote[] {
  const pairs: [string, string][] = Array.isArray(spec) ? spec : Object.entries(spec);
  const notes: PlacedNote[] = [];
  let from = 0;
  for (const [key, text] of pairs) {
    const at = lines.findIndex((line, i) => i >= from && line.includes(key));
    if (at < 0) {
      throw new Error(`${context}: no line after line ${from} contains "${key}"\n${lines.join('\n')}`);
    }
    notes.push({ line: at, text, mark: notes.length + 1 });
    from = at + 1;
  }
  return notes;
}
