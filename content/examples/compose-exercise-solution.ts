// One solution, CPython's own (bpo-36533): "before" takes only the module lock, and the child
// re-initialises the handler lock without having taken it. No cycle is left, and the child can log.
import { mutex, pthread_create, pthread_join, pthread_atfork,
  pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
  fork, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'none' };
export const expected = { verdict: 'ok' };

// Both are threading.RLock objects: recursive mutexes (logging._lock and handler.lock).
const module_lock = mutex('module_lock', { type: 'recursive' });
const handler_lock = mutex('handler_lock', { type: 'recursive' });

function* getLogger() {              // logging.getLogger(name)
  yield* pthread_mutex_lock(module_lock);
  yield* pthread_mutex_unlock(module_lock);
}

function* emit() {                   // Handler.handle() -> the application's emit()
  yield* pthread_mutex_lock(handler_lock);
  yield* getLogger();
  yield* pthread_mutex_unlock(handler_lock);
}

// os.register_at_fork(before=..., after_in_parent=..., after_in_child=...)
function* before() {
  yield* pthread_mutex_lock(module_lock);
}
function* after_in_parent() {
  yield* pthread_mutex_unlock(module_lock);
}
function* after_in_child() {
  yield* pthread_mutex_init(handler_lock);
  yield* pthread_mutex_init(module_lock);
}

function* worker() {
  yield* emit();                     // a record logged from another thread
}

export default function* main() {
  yield* pthread_atfork(before, after_in_parent, after_in_child);
  const t = yield* pthread_create(worker);
  const pid = yield* fork();
  if (pid === 0) {
    yield* emit();                   // the child logs
    yield* _exit(3);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 3, 'the child logged and exited with 3');
  yield* pthread_join(t);
  return 0;
}
