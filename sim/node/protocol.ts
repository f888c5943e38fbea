// Messages between the command (sim/node/check.ts) and its worker thread (sim/node/worker.ts).
export type Phase = 'load' | 'search';

/** The worker's workerData: what to get ready for before the first job arrives. */
export interface WorkerStart {
  kind: 'ts' | 'c';
  memoryMb: number;
}

export type WorkerJob =
  | {
      kind: 'ts';
      code: string;
      request: string;
      memoryMb: number;
      timeMs: number;
      /** More files follow: after answering, the worker prepares a fresh sandbox for the next one. */
      more: boolean;
    }
  | { kind: 'c'; source: string; file: string; request: string; timeMs: number };

export type WorkerReply =
  /** 'load' is sent once the sandbox is ready, just before the program's first line: the clock starts. */
  | { type: 'phase'; phase: Phase }
  /** The sandbox's answer, a JSON string the command validates before it believes any of it. */
  | { type: 'answer'; json: string }
  | { type: 'stopped'; what: 'time' | 'memory' | 'stack'; phase: Phase }
  | { type: 'failed'; message: string };
