// Schedule strings: a compact, URL-safe, run-length encoding of the transition ids an execution took,
// shared by share links, the CLI's --schedule and every Finding.
//
// Format: ids joined by '.', a run of the same id written once with '*' and its length.
//   ['1000','1000','1000','1001','1000!SIGUSR1'] -> "1000*3.1001.1000!SIGUSR1"
// Every character is left alone by encodeURIComponent, so the string can sit in a URL as it is.
import { asTransitionId, type TransitionId } from '../transition.ts';

/** Encodes the ids of an execution's steps, in order. */
export function encodeSchedule(ids: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < ids.length;) {
    const id = ids[i]!;
    if (asTransitionId(id) === null)
      throw new Error(`a transition id cannot go into a schedule string: ${JSON.stringify(id)}`);
    let j = i + 1;
    while (j < ids.length && ids[j] === id) j++;
    out.push(j - i > 1 ? `${id}*${j - i}` : id);
    i = j;
  }
  return out.join('.');
}

/** Decodes a schedule string into step ids; throws an Error whose message says what is wrong. */
export function decodeSchedule(schedule: string): TransitionId[] {
  const text = schedule.trim();
  if (text === '') return [];
  const ids: TransitionId[] = [];
  for (const token of text.split('.')) {
    const star = token.indexOf('*');
    const id = asTransitionId(star < 0 ? token : token.slice(0, star));
    const count = star < 0 ? 1 : Number(token.slice(star + 1));
    if (
      id === null ||
      !Number.isInteger(count) ||
      count < 1 ||
      (star >= 0 && !/^[0-9]+$/.test(token.slice(star + 1)))
    ) {
      throw new Error(
        `not a schedule string: ${JSON.stringify(token)} is not a step (expected e.g. "1000", "1001*3" or "1000!SIGUSR1")`,
      );
    }
    for (let k = 0; k < count; k++) ids.push(id);
  }
  return ids;
}
