// C types for the front end: what sizeof, conversions, initializers and the step rules need.

export type CType =
  /** `atomic`: an _Atomic integer (atomic_int...): ++, --, += and the like are one atomic step. */
  | { k: 'int'; name: string; bits: number; signed: boolean; atomic?: boolean }
  | { k: 'float'; name: string }
  | { k: 'void' }
  | { k: 'ptr'; to: CType }
  | { k: 'array'; of: CType; n: number | null }
  | { k: 'struct'; name: string; fields: { name: string; type: CType }[] | null }
  | { k: 'fn'; ret: CType; params: CType[]; variadic: boolean }
  /** Objects that live in the world, named by their location: mutexes, condition variables, semaphores. */
  | { k: 'sync'; name: 'pthread_mutex_t' | 'pthread_cond_t' | 'sem_t' }
  /** Library types whose contents the program never reads directly (FILE, attributes, sigset_t). */
  | { k: 'opaque'; name: string };

const int = (name: string, bits: number, signed = true): CType => ({ k: 'int', name, bits, signed });

export const T = {
  void: { k: 'void' } as CType,
  int: int('int', 32),
  uint: int('unsigned int', 32, false),
  long: int('long', 64),
  ulong: int('unsigned long', 64, false),
  char: int('char', 8),
  bool: int('_Bool', 1, false),
  double: { k: 'float', name: 'double' } as CType,
};
export const charPtr: CType = { k: 'ptr', to: T.char };
export const voidPtr: CType = { k: 'ptr', to: T.void };

/** Type names the system headers define, by name. */
export const BUILTIN_TYPEDEFS: Record<string, CType> = {
  size_t: int('size_t', 64, false),
  ssize_t: int('ssize_t', 64),
  ptrdiff_t: int('ptrdiff_t', 64),
  intptr_t: int('intptr_t', 64),
  uintptr_t: int('uintptr_t', 64, false),
  intmax_t: int('intmax_t', 64),
  uintmax_t: int('uintmax_t', 64, false),
  int8_t: int('int8_t', 8),
  uint8_t: int('uint8_t', 8, false),
  int16_t: int('int16_t', 16),
  uint16_t: int('uint16_t', 16, false),
  int32_t: int('int32_t', 32),
  uint32_t: int('uint32_t', 32, false),
  int64_t: int('int64_t', 64),
  uint64_t: int('uint64_t', 64, false),
  bool: T.bool,
  pid_t: int('pid_t', 32),
  uid_t: int('uid_t', 32, false),
  mode_t: int('mode_t', 32, false),
  off_t: int('off_t', 64),
  time_t: int('time_t', 64),
  socklen_t: int('socklen_t', 32, false),
  sig_atomic_t: int('sig_atomic_t', 32),
  useconds_t: int('useconds_t', 32, false),
  pthread_t: int('pthread_t', 64, false),
  pthread_mutex_t: { k: 'sync', name: 'pthread_mutex_t' },
  pthread_cond_t: { k: 'sync', name: 'pthread_cond_t' },
  sem_t: { k: 'sync', name: 'sem_t' },
  pthread_mutexattr_t: { k: 'opaque', name: 'pthread_mutexattr_t' },
  pthread_condattr_t: { k: 'opaque', name: 'pthread_condattr_t' },
  pthread_attr_t: { k: 'opaque', name: 'pthread_attr_t' },
  sigset_t: { k: 'opaque', name: 'sigset_t' },
  FILE: { k: 'opaque', name: 'FILE' },
  va_list: { k: 'opaque', name: 'va_list' },
};

/** Structs the headers define. */
export const BUILTIN_STRUCTS: Record<string, { name: string; type: CType }[]> = {
  timespec: [
    { name: 'tv_sec', type: BUILTIN_TYPEDEFS.time_t! },
    { name: 'tv_nsec', type: T.long },
  ],
  timeval: [
    { name: 'tv_sec', type: BUILTIN_TYPEDEFS.time_t! },
    { name: 'tv_usec', type: T.long },
  ],
  // x86-64's struct stat (glibc sysdeps/unix/sysv/linux/x86/bits/struct_stat.h), 144 bytes.
  stat: [
    { name: 'st_dev', type: int('dev_t', 64, false) },
    { name: 'st_ino', type: int('ino_t', 64, false) },
    { name: 'st_nlink', type: int('nlink_t', 64, false) },
    { name: 'st_mode', type: int('mode_t', 32, false) },
    { name: 'st_uid', type: int('uid_t', 32, false) },
    { name: 'st_gid', type: int('gid_t', 32, false) },
    { name: '__pad0', type: int('int', 32) },
    { name: 'st_rdev', type: int('dev_t', 64, false) },
    { name: 'st_size', type: int('off_t', 64) },
    { name: 'st_blksize', type: int('blksize_t', 64) },
    { name: 'st_blocks', type: int('blkcnt_t', 64) },
    { name: 'st_atime', type: int('time_t', 64) },
    { name: 'st_atimensec', type: int('long', 64) },
    { name: 'st_mtime', type: int('time_t', 64) },
    { name: 'st_mtimensec', type: int('long', 64) },
    { name: 'st_ctime', type: int('time_t', 64) },
    { name: 'st_ctimensec', type: int('long', 64) },
    { name: '__glibc_reserved', type: { k: 'array', of: int('long', 64), n: 3 } },
  ],
  sigaction: [
    { name: 'sa_handler', type: { k: 'ptr', to: { k: 'fn', ret: T.void, params: [T.int], variadic: false } } },
    { name: 'sa_sigaction', type: voidPtr },
    { name: 'sa_mask', type: BUILTIN_TYPEDEFS.sigset_t! },
    { name: 'sa_flags', type: T.int },
  ],
};

export function sizeOf(t: CType): number {
  switch (t.k) {
    case 'int':
      return t.bits === 1 ? 1 : t.bits / 8;
    case 'float':
      return 8;
    case 'void':
      return 1;
    case 'ptr':
    case 'fn':
      return 8;
    case 'array':
      return (t.n ?? 0) * sizeOf(t.of);
    case 'struct': {
      if (!t.fields) return 0;
      let s = 0;
      let align = 1;
      for (const f of t.fields) {
        const a = alignOf(f.type);
        align = Math.max(align, a);
        s = Math.ceil(s / a) * a + sizeOf(f.type);
      }
      return Math.ceil(s / align) * align;
    }
    case 'sync':
      return t.name === 'pthread_mutex_t' ? 40 : t.name === 'pthread_cond_t' ? 48 : 32;
    case 'opaque':
      return t.name === 'sigset_t' ? 128 : t.name === 'pthread_attr_t' ? 56 : t.name === 'FILE' ? 216 : 4;
  }
}

export function alignOf(t: CType): number {
  if (t.k === 'array') return alignOf(t.of);
  if (t.k === 'struct') return Math.max(1, ...(t.fields ?? []).map((f) => alignOf(f.type)));
  return Math.min(8, sizeOf(t)) || 1;
}

export const isInt = (t: CType): t is Extract<CType, { k: 'int' }> => t.k === 'int';
export const isArith = (t: CType): boolean => t.k === 'int' || t.k === 'float';
export const isPtrLike = (t: CType): boolean => t.k === 'ptr' || t.k === 'array' || t.k === 'fn';
export const isScalar = (t: CType): boolean => t.k === 'int' || t.k === 'float' || t.k === 'ptr';

/** Converts a number to the representation of an integer type (wraps like the machine). */
export function convertInt(t: Extract<CType, { k: 'int' }>, v: number): number {
  if (t.bits === 1) return v ? 1 : 0;
  if (!Number.isFinite(v)) return 0;
  v = Math.trunc(v);
  switch (t.bits) {
    case 8:
      return t.signed ? (v << 24) >> 24 : v & 0xff;
    case 16:
      return t.signed ? (v << 16) >> 16 : v & 0xffff;
    case 32:
      return t.signed ? v | 0 : v >>> 0;
    default:
      // 64-bit values are kept as JavaScript numbers: exact up to 2^53, which the subset documents.
      return t.signed ? v : v < 0 ? v + 2 ** 64 : v;
  }
}

export function typeName(t: CType): string {
  switch (t.k) {
    case 'int':
    case 'float':
      return t.name;
    case 'void':
      return 'void';
    case 'ptr':
      return `${typeName(t.to)} *`;
    case 'array':
      return `${typeName(t.of)}[${t.n ?? ''}]`;
    case 'struct':
      return `struct ${t.name}`;
    case 'fn':
      return `${typeName(t.ret)} (*)(${t.params.map(typeName).join(', ')})`;
    case 'sync':
    case 'opaque':
      return t.name;
  }
}

/** `_Atomic T`; an integer only (atomic pointers and structs are outside the subset). */
export function atomicOf(t: CType): CType | null {
  return t.k === 'int' ? { ...t, atomic: true } : null;
}
const atomic = (name: string, bits: number, signed = true): CType => ({ k: 'int', name, bits, signed, atomic: true });
/** <stdatomic.h>'s typedefs (atomic_flag is modelled as an atomic byte: test_and_set is an exchange). */
export const ATOMIC_TYPEDEFS: Record<string, CType> = {
  atomic_bool: atomic('atomic_bool', 8, false),
  atomic_char: atomic('atomic_char', 8),
  atomic_schar: atomic('atomic_schar', 8),
  atomic_uchar: atomic('atomic_uchar', 8, false),
  atomic_short: atomic('atomic_short', 16),
  atomic_ushort: atomic('atomic_ushort', 16, false),
  atomic_int: atomic('atomic_int', 32),
  atomic_uint: atomic('atomic_uint', 32, false),
  atomic_long: atomic('atomic_long', 64),
  atomic_ulong: atomic('atomic_ulong', 64, false),
  atomic_llong: atomic('atomic_llong', 64),
  atomic_ullong: atomic('atomic_ullong', 64, false),
  atomic_size_t: atomic('atomic_size_t', 64, false),
  atomic_ptrdiff_t: atomic('atomic_ptrdiff_t', 64),
  atomic_intptr_t: atomic('atomic_intptr_t', 64),
  atomic_uintptr_t: atomic('atomic_uintptr_t', 64, false),
  atomic_int32_t: atomic('atomic_int32_t', 32),
  atomic_uint32_t: atomic('atomic_uint32_t', 32, false),
  atomic_int64_t: atomic('atomic_int64_t', 64),
  atomic_uint64_t: atomic('atomic_uint64_t', 64, false),
  atomic_flag: atomic('atomic_flag', 8, false),
};
