// Names the world shows: stable fake addresses for locks, lock references for events. (Each op
// describes itself in words: its model's describe, in ops/.)
import type { LockRef } from '../events.ts';
import type { MutexObj } from './state.ts';

/** A stable address for an object name, shaped like x86-64 user addresses (heap data vs libc data). */
export function addrOf(name: string, internal: boolean): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  const base = internal ? 0x7f3a_1b1e_0000 : 0x5555_5555_8000;
  return base + (h % 0x4000) * 8;
}

export function lockRefOf(m: MutexObj): LockRef {
  return { addr: m.addr, name: m.name, kind: m.type };
}
