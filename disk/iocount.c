/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libguestdrv-iocount.so: counts a hypervisor's I/O on the disk images we
 * name, from inside the hypervisor (LD_PRELOAD), so that qemu and UML
 * give the same figures.  Protocol with the host: iocount-format.h.
 *
 * File descriptors are classified lazily by fstat (device + inode) the
 * first time they are opened or used, and forgotten on close, dup2 and
 * close_range, so descriptors that reach an image by any route (dup,
 * fcntl, inherited) are counted.  Counters are atomics (the hypervisor's
 * I/O threads); fork() starts a child with fresh counters and a new id.
 * Outside the image descriptors a call costs one array load.
 *
 * UML runs its kernel on small thread stacks and calls the host's libc
 * from there: the wrappers must use little stack.  So no printf, no
 * dlsym after start-up, and the counter file is built in static memory
 * (only one thread writes it at a time).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "iocount-format.h"

#define EXPORT __attribute__((visibility ("default")))
#define FD_TABLE 65536

struct image_counters {
  _Atomic uint64_t opens, sync_opens, reads, bytes_read, read_ns;
  _Atomic uint64_t writes, bytes_written, write_ns, flushes, flush_ns;
  _Atomic uint64_t fallocates;
};

static int enabled;
static int nimages;
static dev_t img_dev[IOCOUNT_MAX_IMAGES];
static ino_t img_ino[IOCOUNT_MAX_IMAGES];
static const char *img_path[IOCOUNT_MAX_IMAGES];
static _Atomic int img_known[IOCOUNT_MAX_IMAGES];
static char dir[512];
/* The live mapping (iocount-format.h) when it could be made, else ours. */
static struct image_counters own_counters[IOCOUNT_MAX_IMAGES];
static struct image_counters *counters = own_counters;
static struct iocount_live *live;
_Static_assert (sizeof (struct image_counters) ==
                IOCOUNT_NFIELDS * sizeof (uint64_t),
                "image_counters is one row of struct iocount_live");
/* 0 = not yet looked at, -1 = not an image, i + 1 = image i. */
static _Atomic int8_t fdclass[FD_TABLE];
static _Atomic uint64_t id, seq, last_dump_ns;
static atomic_flag dumping = ATOMIC_FLAG_INIT;
static _Atomic int dump_again;

/* The real functions, looked up on first use (a constructor of another
 * library may call open before ours runs).
 */
#define REAL(name) \
  if (__builtin_expect (!real_##name, 0)) \
    real_##name = (__typeof__ (name) *) dlsym (RTLD_NEXT, #name)
#define DECLARE_REAL(name) static __typeof__ (name) *real_##name;
#define RESOLVE_REAL(name) REAL (name);

int __open_2 (const char *, int);
int __open64_2 (const char *, int);
int __openat_2 (int, const char *, int);
int __openat64_2 (int, const char *, int);

#define REAL_FUNCTIONS(X) \
  X (open) X (open64) X (openat) X (openat64) \
  X (__open_2) X (__open64_2) X (__openat_2) X (__openat64_2) \
  X (close) X (dup2) X (dup3) X (close_range) \
  X (read) X (write) X (pread) X (pread64) X (pwrite) X (pwrite64) \
  X (readv) X (writev) X (preadv) X (preadv64) X (pwritev) X (pwritev64) \
  X (preadv2) X (preadv64v2) X (pwritev2) X (pwritev64v2) \
  X (fsync) X (fdatasync) X (sync_file_range) X (fallocate) X (fallocate64)

REAL_FUNCTIONS (DECLARE_REAL)

static uint64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void
new_id (void)
{
  id = ((uint64_t) getpid () << 32) ^ now_ns ();
}

static size_t put_str (char *b, size_t n, size_t cap, const char *s);
static size_t put_u64 (char *b, size_t n, size_t cap, uint64_t v,
                       unsigned base);

/* "<dir><PREFIX><id>.<PID>" into B (CAP bytes), NUL-terminated. */
static void
name_file (char *b, size_t cap, const char *prefix, long pid)
{
  size_t n = put_str (b, 0, cap, dir);

  n = put_str (b, n, cap, prefix);
  n = put_u64 (b, n, cap, id, 16);
  n = put_str (b, n, cap, ".");
  n = put_u64 (b, n, cap, (uint64_t) pid, 10);
  b[n] = '\0';
}

/* Map <dir>/iocount-live.<id>.<pid> and count there from now on.  Raw
 * system calls, static buffers (see the top of the file).  On failure
 * the counters stay private and the text file is written as before.
 */
static void
live_map (void)
{
  static char path[600];
  long pid = syscall (SYS_getpid);
  long fd;
  void *p;

  live = NULL;
  counters = own_counters;
  name_file (path, sizeof path, "/" IOCOUNT_LIVE_PREFIX, pid);
  fd = syscall (SYS_openat, AT_FDCWD, path,
                O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  if (syscall (SYS_ftruncate, fd, (long) sizeof (struct iocount_live)) < 0) {
    syscall (SYS_close, fd);
    return;
  }
  p = mmap (NULL, sizeof (struct iocount_live), PROT_READ | PROT_WRITE,
            MAP_SHARED, (int) fd, 0);
  syscall (SYS_close, fd);
  if (p == MAP_FAILED)
    return;
  live = p;
  live->id = id;
  live->pid = (uint64_t) pid;
  live->nimages = (uint64_t) nimages;
  put_str (live->magic, 0, sizeof live->magic, IOCOUNT_LIVE_MAGIC);
  counters = (struct image_counters *) live->v;
}

static void
after_fork_child (void)
{
  /* The parent's mapping is shared: the child gets its own. */
  if (live)
    munmap (live, sizeof *live);
  live = NULL;
  counters = own_counters;
  memset (own_counters, 0, sizeof own_counters);
  seq = 0;
  last_dump_ns = 0;
  atomic_flag_clear (&dumping);
  new_id ();
  if (enabled)
    live_map ();
}

/* An image that did not exist when we started (created by the program
 * itself) is looked up again on each open until it does.
 */
static void
lookup_image (int k)
{
  struct stat st;

  if (img_path[k] && stat (img_path[k], &st) == 0) {
    img_dev[k] = st.st_dev;
    img_ino[k] = st.st_ino;
    img_known[k] = 1;
  }
}

static int
classify_slow (int fd, int counting_open)
{
  struct stat st;
  int k;

  if (fstat (fd, &st) == -1)
    return -1;
  for (k = 0; k < nimages; k++) {
    if (!img_known[k])
      lookup_image (k);
    if (img_known[k] && st.st_dev == img_dev[k] && st.st_ino == img_ino[k])
      break;
  }
  if (k == nimages)
    k = -1;
  if (fd < FD_TABLE) {
    int8_t expect = 0;
    /* Only the thread that classifies the fd counts its open. */
    if (!atomic_compare_exchange_strong (&fdclass[fd], &expect,
                                         (int8_t) (k < 0 ? -1 : k + 1)))
      return expect < 0 ? -1 : expect - 1;
  }
  if (k >= 0) {
    if (counting_open) {
      int fl = fcntl (fd, F_GETFL);
      counters[k].opens++;
      if (fl != -1 && (fl & (O_SYNC | O_DSYNC | O_DIRECT)))
        counters[k].sync_opens++;
    }
  }
  return k;
}

/* The image index of FD, or -1. */
static inline int
classify (int fd)
{
  int8_t c;

  if (__builtin_expect (!enabled || fd < 0, 1))
    return -1;
  if (fd < FD_TABLE) {
    c = atomic_load_explicit (&fdclass[fd], memory_order_relaxed);
    if (c != 0)
      return c < 0 ? -1 : c - 1;
  }
  return classify_slow (fd, 0);
}

static void
forget (int fd)
{
  if (enabled && fd >= 0 && fd < FD_TABLE)
    atomic_store_explicit (&fdclass[fd], 0, memory_order_relaxed);
}

/* The counter file, built without printf (stack) in static buffers. */
static char file_buf[IOCOUNT_MAX_IMAGES * 256 + 128];
static char file_path[600], file_tmp[640];

static size_t
put_str (char *b, size_t n, size_t cap, const char *s)
{
  while (*s && n + 1 < cap)
    b[n++] = *s++;
  return n;
}

static size_t
put_u64 (char *b, size_t n, size_t cap, uint64_t v, unsigned base)
{
  char d[24];
  int k = 0;

  do {
    d[k++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  while (k && n + 1 < cap)
    b[n++] = d[--k];
  return n;
}

/* Write our file: raw syscalls, so that nothing here passes through our
 * own wrappers.  The caller holds DUMPING.
 */
static void
write_file (void)
{
  const size_t cap = sizeof file_buf;
  char *b = file_buf;
  size_t n = 0;
  long pid = syscall (SYS_getpid), fd;

  n = put_str (b, n, cap, IOCOUNT_MAGIC "\nid ");
  n = put_u64 (b, n, cap, id, 16);
  n = put_str (b, n, cap, " pid ");
  n = put_u64 (b, n, cap, (uint64_t) pid, 10);
  n = put_str (b, n, cap, " seq ");
  n = put_u64 (b, n, cap, ++seq, 10);
  n = put_str (b, n, cap, "\n");
  for (int k = 0; k < nimages; k++) {
    struct image_counters *c = &counters[k];
    const uint64_t v[] = { c->opens, c->sync_opens, c->reads, c->bytes_read,
                           c->read_ns, c->writes, c->bytes_written,
                           c->write_ns, c->flushes, c->flush_ns,
                           c->fallocates };
    n = put_str (b, n, cap, "image ");
    n = put_u64 (b, n, cap, k, 10);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
      n = put_str (b, n, cap, " ");
      n = put_u64 (b, n, cap, v[i], 10);
    }
    n = put_str (b, n, cap, "\n");
  }
  name_file (file_path, sizeof file_path, "/" IOCOUNT_PREFIX, pid);
  name_file (file_tmp, sizeof file_tmp, "/.tmp.", pid);
  fd = syscall (SYS_openat, AT_FDCWD, file_tmp,
                O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  for (size_t off = 0; off < n;) {
    long w = syscall (SYS_write, fd, b + off, n - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      break;
    off += w;
  }
  syscall (SYS_close, fd);
  syscall (SYS_rename, file_tmp, file_path);
}

static void
dump (void)
{
  int saved = errno;

  if (atomic_flag_test_and_set (&dumping)) {
    dump_again = 1;             /* the thread writing will write again */
    errno = saved;
    return;
  }
  do {
    dump_again = 0;
    write_file ();
  } while (dump_again);
  atomic_flag_clear (&dumping);
  errno = saved;
}

static void
maybe_dump (uint64_t now)
{
  uint64_t last = last_dump_ns;

  if (now - last >= IOCOUNT_DUMP_INTERVAL_NS &&
      atomic_compare_exchange_strong (&last_dump_ns, &last, now))
    dump ();
}

static void
count_io (int k, int is_write, ssize_t r, uint64_t t0)
{
  uint64_t t1 = now_ns ();
  struct image_counters *c = &counters[k];

  if (is_write) {
    c->writes++;
    if (r > 0)
      c->bytes_written += r;
    c->write_ns += t1 - t0;
  }
  else {
    c->reads++;
    if (r > 0)
      c->bytes_read += r;
    c->read_ns += t1 - t0;
  }
  /* With the live mapping the host reads the figures when it wants them:
   * no file is written here (it cost the flush-heavy cases time).
   */
  if (!live)
    maybe_dump (t1);
}

static void
count_flush (int k, uint64_t t0)
{
  counters[k].flushes++;
  counters[k].flush_ns += now_ns () - t0;
  if (live)
    return;
  last_dump_ns = now_ns ();
  dump ();
}

__attribute__((constructor)) static void
iocount_init (void)
{
  /* All lookups now, on the main stack (see the top of the file). */
  REAL_FUNCTIONS (RESOLVE_REAL)

  const char *d = getenv (IOCOUNT_ENV_DIR), *ns = getenv (IOCOUNT_ENV_N);
  int n;

  if (!d || !ns || strlen (d) >= sizeof dir)
    return;
  n = atoi (ns);
  if (n <= 0 || n > IOCOUNT_MAX_IMAGES)
    return;
  for (int k = 0; k < n; k++) {
    char name[64];

    snprintf (name, sizeof name, IOCOUNT_ENV_PATH "%d", k);
    img_path[k] = getenv (name) ? strdup (getenv (name)) : NULL;
    lookup_image (k);
  }
  strcpy (dir, d);
  nimages = n;
  new_id ();
  pthread_atfork (NULL, NULL, after_fork_child);
  enabled = 1;
  live_map ();
  dump ();                      /* the host sees that we are loaded */
}

__attribute__((destructor)) static void
iocount_fini (void)
{
  if (enabled)
    dump ();
}

/* --- opens and closes ------------------------------------------------ */

static int
opened (int fd)
{
  if (enabled && fd >= 0) {
    forget (fd);
    classify_slow (fd, 1);
  }
  return fd;
}

static mode_t
open_mode (int flags, va_list ap)
{
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE
    ? va_arg (ap, mode_t) : 0;
}

#define OPEN_WRAPPER(name) \
  EXPORT int name (const char *path, int flags, ...) \
  { \
    va_list ap; mode_t mode; REAL (name); \
    va_start (ap, flags); mode = open_mode (flags, ap); va_end (ap); \
    return opened (real_##name (path, flags, mode)); \
  }
#define OPENAT_WRAPPER(name) \
  EXPORT int name (int dirfd, const char *path, int flags, ...) \
  { \
    va_list ap; mode_t mode; REAL (name); \
    va_start (ap, flags); mode = open_mode (flags, ap); va_end (ap); \
    return opened (real_##name (dirfd, path, flags, mode)); \
  }
OPEN_WRAPPER (open)
OPEN_WRAPPER (open64)
OPENAT_WRAPPER (openat)
OPENAT_WRAPPER (openat64)

/* The _FORTIFY_SOURCE entry points (no mode argument). */
EXPORT int __open_2 (const char *p, int f) { REAL (__open_2); return opened (real___open_2 (p, f)); }
EXPORT int __open64_2 (const char *p, int f) { REAL (__open64_2); return opened (real___open64_2 (p, f)); }
EXPORT int __openat_2 (int d, const char *p, int f) { REAL (__openat_2); return opened (real___openat_2 (d, p, f)); }
EXPORT int __openat64_2 (int d, const char *p, int f) { REAL (__openat64_2); return opened (real___openat64_2 (d, p, f)); }

EXPORT int
close (int fd)
{
  REAL (close);
  forget (fd);
  return real_close (fd);
}

EXPORT int
dup2 (int old, int new)
{
  REAL (dup2);
  forget (new);
  return real_dup2 (old, new);
}

EXPORT int
dup3 (int old, int new, int flags)
{
  REAL (dup3);
  forget (new);
  return real_dup3 (old, new, flags);
}

EXPORT int
close_range (unsigned first, unsigned last, int flags)
{
  REAL (close_range);
  if (enabled && !(flags & CLOSE_RANGE_CLOEXEC))
    for (unsigned fd = first; fd <= last && fd < FD_TABLE; fd++)
      forget ((int) fd);
  return real_close_range (first, last, flags);
}

/* --- data ------------------------------------------------------------ */

#define IO_WRAPPER(ret, name, is_write, params, args) \
  EXPORT ret name params \
  { \
    int k = classify (fd); \
    uint64_t t0; ret r; \
    REAL (name); \
    if (__builtin_expect (k < 0, 1)) \
      return real_##name args; \
    t0 = now_ns (); \
    r = real_##name args; \
    count_io (k, is_write, r, t0); \
    return r; \
  }

IO_WRAPPER (ssize_t, read, 0, (int fd, void *b, size_t n), (fd, b, n))
IO_WRAPPER (ssize_t, write, 1, (int fd, const void *b, size_t n), (fd, b, n))
IO_WRAPPER (ssize_t, pread, 0, (int fd, void *b, size_t n, off_t o), (fd, b, n, o))
IO_WRAPPER (ssize_t, pread64, 0, (int fd, void *b, size_t n, off64_t o), (fd, b, n, o))
IO_WRAPPER (ssize_t, pwrite, 1, (int fd, const void *b, size_t n, off_t o), (fd, b, n, o))
IO_WRAPPER (ssize_t, pwrite64, 1, (int fd, const void *b, size_t n, off64_t o), (fd, b, n, o))
IO_WRAPPER (ssize_t, readv, 0, (int fd, const struct iovec *v, int c), (fd, v, c))
IO_WRAPPER (ssize_t, writev, 1, (int fd, const struct iovec *v, int c), (fd, v, c))
IO_WRAPPER (ssize_t, preadv, 0, (int fd, const struct iovec *v, int c, off_t o), (fd, v, c, o))
IO_WRAPPER (ssize_t, preadv64, 0, (int fd, const struct iovec *v, int c, off64_t o), (fd, v, c, o))
IO_WRAPPER (ssize_t, pwritev, 1, (int fd, const struct iovec *v, int c, off_t o), (fd, v, c, o))
IO_WRAPPER (ssize_t, pwritev64, 1, (int fd, const struct iovec *v, int c, off64_t o), (fd, v, c, o))
IO_WRAPPER (ssize_t, preadv2, 0, (int fd, const struct iovec *v, int c, off_t o, int f), (fd, v, c, o, f))
IO_WRAPPER (ssize_t, preadv64v2, 0, (int fd, const struct iovec *v, int c, off64_t o, int f), (fd, v, c, o, f))
IO_WRAPPER (ssize_t, pwritev2, 1, (int fd, const struct iovec *v, int c, off_t o, int f), (fd, v, c, o, f))
IO_WRAPPER (ssize_t, pwritev64v2, 1, (int fd, const struct iovec *v, int c, off64_t o, int f), (fd, v, c, o, f))

/* --- flushes and allocation ------------------------------------------ */

#define FLUSH_WRAPPER(name, params, args) \
  EXPORT int name params \
  { \
    int k = classify (fd), r; \
    uint64_t t0; \
    REAL (name); \
    if (__builtin_expect (k < 0, 1)) \
      return real_##name args; \
    t0 = now_ns (); \
    r = real_##name args; \
    count_flush (k, t0); \
    return r; \
  }

FLUSH_WRAPPER (fsync, (int fd), (fd))
FLUSH_WRAPPER (fdatasync, (int fd), (fd))
FLUSH_WRAPPER (sync_file_range, (int fd, off64_t o, off64_t n, unsigned f), (fd, o, n, f))

#define FALLOCATE_WRAPPER(name, otype) \
  EXPORT int name (int fd, int mode, otype o, otype n) \
  { \
    int k = classify (fd); \
    REAL (name); \
    if (k >= 0) \
      counters[k].fallocates++; \
    return real_##name (fd, mode, o, n); \
  }
FALLOCATE_WRAPPER (fallocate, off_t)
FALLOCATE_WRAPPER (fallocate64, off64_t)
