/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fpregs: does a guest kernel keep a process's FP/SSE/AVX registers?
 *
 * Run inside the appliance (test-uml-fpregs.sh), statically linked.
 * Each thread loads xmm0-15 (ymm0-15 when the CPU has AVX), MXCSR and
 * the x87 control word with values of its own, makes one system call
 * from the same asm statement, and reads them all back: the values must
 * be unchanged.  Around that:
 *   - several threads of one process (one host process under UML) and
 *     two processes, with sched_yield() among the calls: switches
 *     between threads of the same and of other processes;
 *   - a fast interval timer whose SIGALRM handler loads other values into
 *     every register: signal frames and sigreturn;
 *   - every 64th call is fork(): the child checks what it inherited;
 *   - at the end an exec of itself: the new image must start with the
 *     default MXCSR and x87 control word, whatever the old one had.
 * UML's guest kernel saves and restores these registers through ptrace
 * at every stop of the process; guestdrv's kernel patch 0005 defers the
 * save at a system call stop.  A mistake there shows up here as a
 * changed register.
 *
 * usage: fpregs [CALLS-PER-THREAD]    a line per process and for the exec;
 *                                     exit 0 if every register was kept
 *        fpregs --after-exec MXCSR    (internal)
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define NTHREADS 3
#define NREGS 16

struct regs {
  uint8_t v[NREGS][32];         /* ymm0-15 (xmm: the low 16 bytes) */
  uint32_t mxcsr;
  uint16_t fcw;
};

static int have_avx;
static volatile sig_atomic_t signals;

/* One asm statement loads every register from *in, makes system call
 * NR and stores them all to *out: nothing of the compiler's runs in
 * between.  MOVE is the vector move (vmovdqu on ymm, movdqu on xmm);
 * register I lives at I * 32 in struct regs. */
#define FOR16(m) m(0) m(1) m(2) m(3) m(4) m(5) m(6) m(7) \
                 m(8) m(9) m(10) m(11) m(12) m(13) m(14) m(15)
#define LOAD_Y(i)  "vmovdqu " #i "*32(%[in]), %%ymm" #i "\n\t"
#define STORE_Y(i) "vmovdqu %%ymm" #i ", " #i "*32(%[out])\n\t"
#define LOAD_X(i)  "movdqu " #i "*32(%[in]), %%xmm" #i "\n\t"
#define STORE_X(i) "movdqu %%xmm" #i ", " #i "*32(%[out])\n\t"
#define CALL_KEEPING(load, store, after)                                  \
  __asm__ volatile (                                                      \
    "ldmxcsr %c[mx](%[in])\n\t" "fldcw %c[cw](%[in])\n\t"                \
    FOR16 (load) "syscall\n\t" FOR16 (store)                              \
    "stmxcsr %c[mx](%[out])\n\t" "fnstcw %c[cw](%[out])\n\t" after        \
    : "+a" (ret)                                                          \
    : [in] "r" (in), [out] "r" (out),                                     \
      [mx] "i" (offsetof (struct regs, mxcsr)),                           \
      [cw] "i" (offsetof (struct regs, fcw))                              \
    : "rcx", "r11", "memory", "cc",                                       \
      "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",     \
      "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15")

/* Returns the call's result. */
static long
call_keeping (const struct regs *in, struct regs *out, long nr)
{
  long ret = nr;

  if (have_avx)
    CALL_KEEPING (LOAD_Y, STORE_Y, "vzeroupper\n\t");
  else
    CALL_KEEPING (LOAD_X, STORE_X, "");
  return ret;
}

/* Values of this thread and call: no two threads, processes or calls
 * in a row share them. */
static void
fill (struct regs *r, unsigned seed)
{
  unsigned i, j;
  uint32_t x = seed * 2654435761u + 1;

  for (i = 0; i < NREGS; i++)
    for (j = 0; j < 32; j++) {
      x ^= x << 13; x ^= x >> 17; x ^= x << 5;
      r->v[i][j] = (uint8_t) x;
    }
  /* Rounding mode and exception masks differ from the defaults (0x1f80,
   * 0x037f); precision control and the masks keep FP exceptions off. */
  r->mxcsr = 0x1f80 | ((seed % 3 + 1) << 13) | ((seed & 1) << 15);
  r->fcw = 0x037f & ~0x0300;
  r->fcw |= (uint16_t) (((seed % 3) + 1) << 10) | 0x0200;
}

/* 0 if kept; else describe the first difference into why. */
static int
differs (const struct regs *a, const struct regs *b, char *why, size_t n)
{
  unsigned i, width = have_avx ? 32 : 16;

  for (i = 0; i < NREGS; i++)
    if (memcmp (a->v[i], b->v[i], width) != 0) {
      snprintf (why, n, "%smm%u changed", have_avx ? "y" : "x", i);
      return 1;
    }
  if (a->mxcsr != b->mxcsr) {
    snprintf (why, n, "MXCSR %#x became %#x", a->mxcsr, b->mxcsr);
    return 1;
  }
  if (a->fcw != b->fcw) {
    snprintf (why, n, "x87 control word %#x became %#x", a->fcw, b->fcw);
    return 1;
  }
  return 0;
}

static void
on_alarm (int sig)
{
  struct regs junk, out;

  (void) sig;
  /* Every register gets other values in the handler; sigreturn must put
   * the interrupted ones back. */
  fill (&junk, 0x5a5a5a5a + (unsigned) signals);
  call_keeping (&junk, &out, SYS_getppid);
  signals++;
}

struct worker {
  unsigned id;
  long calls;
  long forks;
  int failed;
  char why[160];
};

static void *
work (void *arg)
{
  struct worker *w = arg;
  struct regs in, out;
  long i, ret;

  for (i = 0; i < w->calls && !w->failed; i++) {
    long nr = (i % 3 == 0) ? SYS_sched_yield : SYS_getppid;
    int forking = (i % 64 == 63);

    fill (&in, w->id * 1000003u + (unsigned) i);
    memset (&out, 0, sizeof out);
    ret = call_keeping (&in, &out, forking ? SYS_fork : nr);
    if (forking && ret == 0) {
      /* The child: what it inherited must be what its parent had. */
      char why[160];
      syscall (SYS_exit_group, differs (&in, &out, why, sizeof why) ? 1 : 0);
    }
    if (differs (&in, &out, w->why, sizeof w->why)) {
      w->failed = 1;
      break;
    }
    if (forking) {
      int st;
      if (ret < 0) {
        snprintf (w->why, sizeof w->why, "fork: %s", strerror ((int) -ret));
        w->failed = 1;
        break;
      }
      while (waitpid ((pid_t) ret, &st, 0) < 0 && errno == EINTR)
        ;
      if (!WIFEXITED (st) || WEXITSTATUS (st) != 0) {
        snprintf (w->why, sizeof w->why, "a forked child saw its registers changed");
        w->failed = 1;
        break;
      }
      w->forks++;
    }
  }
  return NULL;
}

/* One process: NTHREADS threads under a 1 ms interval timer.  Prints
 * its line to fd 1 and returns its exit status. */
static int
run_process (unsigned pno, long calls)
{
  struct worker w[NTHREADS];
  pthread_t t[NTHREADS];
  struct sigaction sa;
  struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
  long forks = 0;
  int i, failed = 0;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sa.sa_flags = SA_RESTART;
  sigaction (SIGALRM, &sa, NULL);
  setitimer (ITIMER_REAL, &it, NULL);
  for (i = 0; i < NTHREADS; i++) {
    memset (&w[i], 0, sizeof w[i]);
    w[i].id = pno * NTHREADS + (unsigned) i + 1;
    w[i].calls = calls;
    if (pthread_create (&t[i], NULL, work, &w[i]) != 0) {
      fprintf (stderr, "fpregs: pthread_create failed\n");
      return 2;
    }
  }
  for (i = 0; i < NTHREADS; i++) {
    pthread_join (t[i], NULL);
    forks += w[i].forks;
    if (w[i].failed && !failed) {
      printf ("fpregs: FAIL: process %u thread %d: %s\n", pno, i, w[i].why);
      failed = 1;
    }
  }
  memset (&it, 0, sizeof it);
  setitimer (ITIMER_REAL, &it, NULL);
  if (!failed)
    printf ("fpregs: process %u: %ld calls in %d threads kept every register, "
            "%ld forks, %ld signals\n",
            pno, calls * NTHREADS, NTHREADS, forks, (long) signals);
  fflush (stdout);
  return failed;
}

int
main (int argc, char **argv)
{
  long calls = 20000;
  unsigned a, b, c, d;
  int st, failed = 0;
  pid_t other;
  struct regs in, out;
  char mx[16];

  /* AVX used only if the CPU has it, the kernel enabled it and the
   * guest's glibc may use it: guestdrv runs Debian's linux.uml on hosts
   * with AMX with glibc told to leave AVX and XSAVE alone, because that
   * kernel then carries only the FXSAVE image (launcher/uml-xstate.c). */
  if (__get_cpuid (1, &a, &b, &c, &d) && (c & bit_AVX) && (c & bit_OSXSAVE)) {
    uint32_t lo, hi;
    const char *t = getenv ("GLIBC_TUNABLES");
    __asm__ ("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
    have_avx = (lo & 6) == 6 && !(t && strstr (t, "-AVX,"));
  }

  if (argc == 3 && strcmp (argv[1], "--after-exec") == 0) {
    unsigned before = (unsigned) strtoul (argv[2], NULL, 0);
    uint32_t m; uint16_t cw;
    __asm__ volatile ("stmxcsr %0" : "=m" (m));
    __asm__ volatile ("fnstcw %0" : "=m" (cw));
    if ((m & ~0x3fu) != 0x1f80 || cw != 0x037f) {
      printf ("fpregs: FAIL: after exec MXCSR %#x, x87 control word %#x "
              "(want 0x1f80, 0x37f; before exec MXCSR %#x)\n", m, cw, before);
      return 1;
    }
    printf ("fpregs: exec: the new image started with the default MXCSR "
            "and x87 control word\n");
    return 0;
  }
  if (argc > 2 || (argc == 2 && (calls = atol (argv[1])) <= 0)) {
    fprintf (stderr, "usage: fpregs [CALLS-PER-THREAD]\n");
    return 2;
  }

  setvbuf (stdout, NULL, _IOLBF, 0);
  printf ("fpregs: %s, %d threads x 2 processes, %ld calls each\n",
          have_avx ? "ymm0-15 (AVX)" : "xmm0-15 (SSE)", NTHREADS, calls);
  fflush (stdout);
  other = fork ();
  if (other < 0) {
    perror ("fpregs: fork");
    return 2;
  }
  if (other == 0)
    _exit (run_process (1, calls));
  failed |= run_process (0, calls);
  while (waitpid (other, &st, 0) < 0 && errno == EINTR)
    ;
  failed |= !WIFEXITED (st) || WEXITSTATUS (st) != 0;
  if (failed)
    return 1;

  /* Exec with other than the default MXCSR and x87 control word loaded:
   * the new image must not inherit them. */
  fill (&in, 77);
  call_keeping (&in, &out, SYS_getppid);
  snprintf (mx, sizeof mx, "%#x", in.mxcsr);
  {
    char *args[] = { argv[0], (char *) "--after-exec", mx, NULL };
    __asm__ volatile ("ldmxcsr %0\n\tfldcw %1" : : "m" (in.mxcsr), "m" (in.fcw));
    execv (argv[0], args);
  }
  perror ("fpregs: exec");
  return 2;
}
