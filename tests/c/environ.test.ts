// The environment across exec: execve's envp becomes the new image's environment (fs/exec.c copies
// envp to the new stack; getenv reads environ), the exec calls without an envp (execv, execvp, execl,
// execlp) pass the current one, setenv and unsetenv changes included (glibc: execv (path, argv) is
// execve (path, argv, __environ)), and execle and execvpe take one. fork copies the environment.
import { describe, expect, it } from 'vitest';
import { compileOrThrow } from './c-helpers.ts';
import { finished, searchRuns, stdoutOf } from '../sim/world-helpers.ts';

const HDR = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
`;

async function output(src: string): Promise<string[]> {
  const program = await compileOrThrow(`${HDR}${src}`, 'env.c');
  const { report, runs } = searchRuns(program, { strategy: 'dpor', stopAtFirst: false, maxExecutions: 2000 });
  expect(report.findings).toEqual([]);
  return [...new Set(finished(runs).map(stdoutOf))].sort();
}

const SHOW = `static void show(const char *who) {
  const char *a = getenv("A"), *b = getenv("B");
  printf("%s A=%s B=%s\\n", who, a ? a : "(unset)", b ? b : "(unset)");
}
`;

describe('the environment across exec', () => {
  it("execve's envp is the new image's environment; the first process starts with none", async () => {
    expect(
      await output(`${SHOW}
int main(int argc, char **argv) {
  if (argc > 1) { show("image"); return 0; }
  show("first");
  char *args[] = { "env", "again", NULL };
  char *envp[] = { "A=1", "B=two=2", NULL };
  execve("/proc/self/exe", args, envp);
  return 1;
}`),
    ).toEqual(['first A=(unset) B=(unset)\nimage A=1 B=two=2\n']);
  });

  it('execv passes the environment as setenv and unsetenv left it; a forked child has its copy', async () => {
    expect(
      await output(`${SHOW}
int main(int argc, char **argv) {
  if (argc > 2) { show("grandchild"); return 0; }
  if (argc > 1) {
    show("image");
    unsetenv("A");
    setenv("B", "changed", 1);
    pid_t p = fork();
    if (p == 0) {
      char *args[] = { "env", "again", "and again", NULL };
      execv("/proc/self/exe", args);
      _exit(1);
    }
    waitpid(p, NULL, 0);
    return 0;
  }
  char *args[] = { "env", "again", NULL };
  char *envp[] = { "A=1", NULL };
  execve("/proc/self/exe", args, envp);
  return 1;
}`),
    ).toEqual(['image A=1 B=(unset)\ngrandchild A=(unset) B=changed\n']);
  });

  it('execle takes envp after the NULL that ends its arguments', async () => {
    expect(
      await output(`${SHOW}
int main(int argc, char **argv) {
  if (argc > 1) { show("image"); return 0; }
  char *envp[] = { "B=from execle", NULL };
  execle("/proc/self/exe", "env", "again", (char *) NULL, envp);
  return 1;
}`),
    ).toEqual(['image A=(unset) B=from execle\n']);
  });
});
