// The typed messages between the page, the sandbox frame and the worker that runs reader code.
import type { Report, Progress } from '../../sim/types.ts';
import type { TraceEvent } from '../../sim/events.ts';

/** How a program is checked. */
/** 'follow': play the turns of `schedule` (another program's) as far as this program allows (follow.ts). */
export type RunMode = 'check' | 'random' | 'replay' | 'follow';

/**
 * A C program travels as its source text in `code` with lang 'c'; the worker compiles it (sim/c). An
 * unedited example brings the tree parsed at build time (c-tree.ts, as JSON) and needs no parser; an
 * edited one brings tree-sitter's two wasm files, which the page fetched from the site.
 */
export interface CProgram {
  lang?: 'c';
  tree?: string;
  wasm?: { runtime: Uint8Array; grammar: Uint8Array };
}

/** Ask the worker to check a compiled program (CommonJS text whose 'forklore' import is provided). */
export interface RunRequest extends CProgram {
  type: 'run';
  id: number;
  code: string;
  name: string;
  mode: RunMode;
  runs?: number;
  seed?: number;
  schedule?: string;
  maxTimeMs?: number;
  /** With a schedule: also say which line each thread is at after every step of it. */
  positions?: boolean;
  /** For 'follow': the index in `schedule` of the step at which the other program forked. */
  forkAt?: number | undefined;
  /** For a C program's 'replay': answer with the reproducer of `schedule` for real Linux instead. */
  reproduce?: boolean | undefined;
}

/** Be the scheduler: build the run that follows `path` (transition ids) and describe where it stands. */
export interface ScheduleRequest extends CProgram {
  type: 'sched';
  id: number;
  code: string;
  name: string;
  path: string[];
}

export type WorkerRequest = RunRequest | ScheduleRequest;

/** One line of the strace-style log and the step it belongs to. */
export interface LogLine {
  step: number;
  text: string;
}

/** A choice the reader may make in Be the scheduler. */
export interface Choice {
  id: string;
  tid: number;
  pid: number;
  /** What taking it does, in words, when the world can say. */
  label: string;
}

export interface SchedState {
  enabled: Choice[];
  trace: TraceEvent[];
  log: LogLine[];
  /** Findings so far; non-empty when the run went wrong. */
  findings: Report['findings'];
  /** True when no thread can take a step any more. */
  over: boolean;
  /** The schedule string of the path taken, for replays and share links. */
  schedule: string;
  /** Every thread that has not exited, with its state and next operation as the world describes it. */
  threads: { tid: number; pid: number; state: string; next: string | null }[];
}

export type WorkerResponse =
  | { type: 'ready' }
  | { type: 'progress'; id: number; progress: Progress }
  /**
   * The watchdog's heartbeat (watchdog.ts): at the start of a request, once the program is loaded, and
   * every 200 ms while its threads make library calls, with the calls and the finished steps counted.
   */
  | { type: 'beat'; id: number; phase: 'loading' | 'running'; ops: number; steps: number }
  | { type: 'result'; id: number; report: Report; log: LogLine[]; positions?: [number, number][][] }
  | { type: 'sched-state'; id: number; state: SchedState }
  | { type: 'error'; id: number; phase: 'load' | 'run'; message: string; line?: number; column?: number }
  | { type: 'reproduction'; id: number; fileName: string; text: string; notForceable: string[] }
  | { type: 'blocked'; id: number; what: string };

/**
 * What the checker posts on the port the frame gave it: a reply as JSON text (the page bounds its
 * length before it parses it), and whether it is the request's final answer.
 */
export interface PortMessage {
  final: boolean;
  data: string;
}

/** The frame's first word to the page (by window message): the token the page wrote into its document. */
export interface FrameHello {
  type: 'frame-ready';
  token: string;
}

/** From the page to the sandbox frame, on the MessagePort handed over at boot. */
/**
 * `session`: a Be-the-scheduler request, whose worker the frame keeps after it answers, to take the same
 * program's next pick on the world it holds (any other request ends the session).
 */
export type FrameRequest =
  { type: 'post'; message: WorkerRequest; siteCode: boolean; session?: boolean } | { type: 'stop' };

/**
 * From the frame to the page, on that port: JSON text of a WorkerResponse (the checker's, relayed as it
 * is, or the frame's own word that the worker died before answering), or the frame's ready signal.
 */
export type FrameResponse = WorkerResponse;

/** A short explanation added to errors that come from the sandbox's limits. */
export function sandboxHint(message: string): string | undefined {
  if (
    /\b(fetch|XMLHttpRequest|WebSocket|importScripts|NetworkError|Content Security Policy|Failed to fetch)\b/i.test(
      message,
    )
  )
    return 'Programs run in a sandbox with no network access: the request was refused.';
  if (/\b(localStorage|sessionStorage|indexedDB|Indexed Database|caches|cookie|SecurityError)\b/i.test(message))
    return 'Programs run in a sandboxed frame with an opaque origin: there is no storage to read, and your saved edits are out of reach.';
  if (/\b(document|window|parent|top|alert)\b.*\b(not defined|undefined)\b/i.test(message))
    return 'Programs run in a Web Worker inside a sandboxed frame: there is no page to touch.';
  return undefined;
}
