// Messages between the command (sim/node/check.ts) and its worker thread (sim/node/worker.ts).
export type Phase = 'load' | 'search';

export type WorkerJob =
  | {
      kind: 'ts';
      sandboxScript: string;
      code: string;
      request: string;
      memoryMb: number;
      timeMs: number;
      wasm: WebAssembly.Module;
    }
  | { kind: 'c'; source: string; file: string; request: string; timeMs: number };

export type WorkerReply =
  /** 'load' is sent once the sandbox is ready, just before the program's first line: the clock starts. */
  | { type: 'phase'; phase: Phase }
  /** The sandbox's answer, a JSON string the command validates before it believes any of it. */
  | { type: 'answer'; json: string }
  | { type: 'stopped'; what: 'time' | 'memory' | 'stack'; phase: Phase }
  | { type: 'failed'; message: string };
