/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The vhost-user virtio-console back end (vhost/virtio-console.c),
 * driven by a test front end in this process: guest memory is a memfd,
 * the rings are built here, messages and fds go over the Unix socket as
 * UML sends them.  The control handshake, data both ways (chained
 * descriptors), and malformed rings and messages, each of which must end
 * the session with a clear error and nothing touched outside memory.
 */
#undef NDEBUG
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "channel/channel.h"
#include "common/error.h"
#include "unit-main.h"
#include "vhost/vhost-stats.h"

#define MEM_SIZE (1024 * 1024)
#define GPA 0x100000ULL         /* where the test's "guest memory" starts */
#define QNUM 8
#define NQ 4
#define BUF_BASE 0x10000        /* data buffers, offset into memory */

struct fe {                     /* the test front end */
  char dir[64], path[128];
  int listen_fd, sock, memfd;
  unsigned char *mem;
  int kick[NQ], call_rd[NQ];
  uint16_t avail_idx[NQ], used_seen[NQ];
  unsigned next_buf;
  struct channel *ch;
  bool may_fail;
};

static uint64_t ring_off (unsigned q) { return 0x1000 * (q + 1); }
static unsigned char *desc_p (struct fe *f, unsigned q, unsigned i)
{ return f->mem + ring_off (q) + 16 * i; }
static unsigned char *avail_p (struct fe *f, unsigned q)
{ return f->mem + ring_off (q) + 0x400; }
static unsigned char *used_p (struct fe *f, unsigned q)
{ return f->mem + ring_off (q) + 0x800; }

static void
send_msg (struct fe *f, uint32_t req, const void *payload, uint32_t size,
          const int *fds, unsigned nfds)
{
  unsigned char buf[12 + 512];
  uint32_t flags = 1;
  union { struct cmsghdr h; char b[CMSG_SPACE (4 * sizeof (int))]; } c;
  struct iovec iov = { buf, 12 + size };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

  memset (&c, 0, sizeof c);     /* cmsg padding goes out too */
  ck_assert (size <= 512);
  memcpy (buf, &req, 4);
  memcpy (buf + 4, &flags, 4);
  memcpy (buf + 8, &size, 4);
  if (size)
    memcpy (buf + 12, payload, size);
  if (nfds) {
    mh.msg_control = c.b;
    mh.msg_controllen = CMSG_SPACE (nfds * sizeof (int));
    struct cmsghdr *h = CMSG_FIRSTHDR (&mh);
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN (nfds * sizeof (int));
    memcpy (CMSG_DATA (h), fds, nfds * sizeof (int));
  }
  ssize_t r = sendmsg (f->sock, &mh, MSG_NOSIGNAL);
  /* Once the back end has refused something it may have hung up. */
  if (r == -1 && f->may_fail && (errno == EPIPE || errno == ECONNRESET))
    return;
  ck_assert_int_eq (r, (ssize_t) (12 + size));
}

static void
recv_reply (struct fe *f, uint32_t req, void *payload, uint32_t size)
{
  unsigned char hdr[12];
  uint32_t r, fl, sz;
  struct pollfd p = { .fd = f->sock, .events = POLLIN };

  ck_assert_int_eq (poll (&p, 1, 5000), 1);
  ck_assert_int_eq (recv (f->sock, hdr, 12, MSG_WAITALL), 12);
  memcpy (&r, hdr, 4); memcpy (&fl, hdr + 4, 4); memcpy (&sz, hdr + 8, 4);
  ck_assert_uint_eq (r, req);
  ck_assert_uint_eq (fl, 0x5);
  ck_assert_uint_eq (sz, size);
  ck_assert_int_eq (recv (f->sock, payload, size, MSG_WAITALL), (ssize_t) size);
}

static uint64_t
get_u64 (struct fe *f, uint32_t req)
{
  uint64_t v;
  send_msg (f, req, NULL, 0, NULL, 0);
  recv_reply (f, req, &v, 8);
  return v;
}

static void
send_u64 (struct fe *f, uint32_t req, uint64_t v, int fd)
{
  send_msg (f, req, &v, 8, &fd, fd >= 0 ? 1 : 0);
}

static void
send_state (struct fe *f, uint32_t req, uint32_t index, uint32_t num)
{
  uint32_t st[2] = { index, num };
  send_msg (f, req, st, 8, NULL, 0);
}

static void
send_addr (struct fe *f, unsigned q, uint64_t desc, uint64_t used,
           uint64_t avail)
{
  unsigned char a[40] = { 0 };
  uint64_t log = ~0ULL;
  memcpy (a, &q, 4);
  memcpy (a + 8, &desc, 8);
  memcpy (a + 16, &used, 8);
  memcpy (a + 24, &avail, 8);
  memcpy (a + 32, &log, 8);
  send_msg (f, 9, a, 40, NULL, 0);
}

/* Connect, negotiate, share memory and set up the four queues the way
 * Linux 6.1's virtio_uml does.  RING_GPA_SHIFT moves queue 1's rings.
 */
static void
fe_setup_features (struct fe *f, uint64_t ring_gpa_shift, bool event_idx)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  unsigned char cfg[12 + 12] = { 0 }, reply[24];
  uint32_t sz = 12;

  memset (f, 0, sizeof *f);
  f->may_fail = ring_gpa_shift != 0;
  signal (SIGPIPE, SIG_IGN);
  strcpy (f->dir, "/tmp/test-vhost-user.XXXXXX");
  ck_assert (mkdtemp (f->dir) != NULL);
  snprintf (f->path, sizeof f->path, "%s/s", f->dir);
  f->listen_fd = channel_listen_unix (f->path);
  ck_assert_int_ge (f->listen_fd, 0);
  f->ch = channel_vhost_user_console (f->listen_fd, -1, 5000, "t");
  ck_assert (f->ch != NULL);
  channel_set_timeout (f->ch, 5000);
  f->sock = socket (AF_UNIX, SOCK_STREAM, 0);
  strcpy (sa.sun_path, f->path);
  ck_assert_int_eq (connect (f->sock, (struct sockaddr *) &sa, sizeof sa), 0);
  /* Connected: the path is not needed any more, and a failing test
   * (which ends without its teardown) leaves nothing behind.
   */
  unlink (f->path);
  rmdir (f->dir);
  f->memfd = memfd_create ("guest", 0);
  ck_assert_int_ge (f->memfd, 0);
  ck_assert_int_eq (ftruncate (f->memfd, MEM_SIZE), 0);
  f->mem = mmap (NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                 f->memfd, 0);
  ck_assert (f->mem != MAP_FAILED);

  send_msg (f, 3, NULL, 0, NULL, 0);                    /* SET_OWNER */
  uint64_t feat = get_u64 (f, 1);
  ck_assert (feat & (1ULL << 1));                       /* MULTIPORT */
  ck_assert (feat & (1ULL << 30));
  uint64_t pf = get_u64 (f, 15);
  ck_assert (pf & (1ULL << 9));                         /* CONFIG */
  send_u64 (f, 16, pf, -1);
  /* GET_CONFIG from offset 0, as UML asks: max_nr_ports at 4 is 1. */
  memcpy (cfg + 4, &sz, 4);
  send_msg (f, 24, cfg, sizeof cfg, NULL, 0);
  recv_reply (f, 24, reply, sizeof reply);
  uint32_t ports;
  memcpy (&ports, reply + 12 + 4, 4);
  ck_assert_uint_eq (ports, 1);
  /* Without EVENT_IDX every used entry is a call (counted below). */
  ck_assert (feat & (1ULL << 29));
  send_u64 (f, 2, event_idx ? feat : feat & ~(1ULL << 29), -1);

  /* SET_MEM_TABLE with room for two regions and one used, as 6.1 does. */
  unsigned char mt[8 + 64] = { 0 };
  uint32_t one = 1;
  uint64_t gpa = GPA, size = MEM_SIZE, off = 0;
  memcpy (mt, &one, 4);
  memcpy (mt + 8, &gpa, 8);
  memcpy (mt + 16, &size, 8);
  memcpy (mt + 24, &gpa, 8);
  memcpy (mt + 32, &off, 8);
  send_msg (f, 5, mt, sizeof mt, &f->memfd, 1);

  for (unsigned q = 0; q < NQ; q++) {
    int p[2];
    uint64_t base = GPA + ring_off (q) + (q == 1 ? ring_gpa_shift : 0);

    ck_assert_int_eq (pipe2 (p, O_NONBLOCK), 0);
    f->call_rd[q] = p[0];
    send_u64 (f, 13, q, p[1]);                          /* SET_VRING_CALL */
    close (p[1]);
    send_state (f, 8, q, QNUM);
    send_state (f, 10, q, 0);
    send_addr (f, q, base, base + 0x800, base + 0x400);
  }
  for (unsigned q = 0; q < NQ; q++) {
    f->kick[q] = eventfd (0, 0);
    send_u64 (f, 12, q, f->kick[q]);                    /* SET_VRING_KICK */
    send_state (f, 18, q, 1);                           /* ENABLE */
  }
  f->next_buf = BUF_BASE;
}

static void
fe_setup (struct fe *f, uint64_t ring_gpa_shift)
{
  fe_setup_features (f, ring_gpa_shift, false);
}

static void
fe_teardown (struct fe *f)
{
  channel_close (f->ch);
  close (f->sock);
  close (f->listen_fd);
  close (f->memfd);
  for (unsigned q = 0; q < NQ; q++) {
    close (f->kick[q]);
    close (f->call_rd[q]);
  }
  munmap (f->mem, MEM_SIZE);
}

static void
put_desc (struct fe *f, unsigned q, unsigned i, uint64_t addr, uint32_t len,
          uint16_t flags, uint16_t next)
{
  unsigned char *d = desc_p (f, q, i);
  memcpy (d, &addr, 8);
  memcpy (d + 8, &len, 4);
  memcpy (d + 12, &flags, 2);
  memcpy (d + 14, &next, 2);
}

/* Put HEAD in the avail ring (optionally with a forged index) and kick. */
static void
offer (struct fe *f, unsigned q, uint16_t head, int forge_idx)
{
  uint64_t one = 1;
  unsigned char *a = avail_p (f, q);
  uint16_t slot = f->avail_idx[q] % QNUM;

  memcpy (a + 4 + 2 * slot, &head, 2);
  f->avail_idx[q] = forge_idx >= 0 ? (uint16_t) forge_idx
                                   : (uint16_t) (f->avail_idx[q] + 1);
  __atomic_store_n ((uint16_t *) (a + 2), f->avail_idx[q], __ATOMIC_RELEASE);
  ck_assert_int_eq (write (f->kick[q], &one, 8), 8);
}

/* A buffer of N bytes in guest memory: its gpa. */
static uint64_t
buf (struct fe *f, size_t n, unsigned char **host)
{
  uint64_t off = f->next_buf;
  f->next_buf += (n + 63) & ~63u;
  *host = f->mem + off;
  return GPA + off;
}

/* Wait for the next used entry of queue Q; returns its length. */
static uint32_t
wait_used (struct fe *f, unsigned q, uint32_t *id)
{
  unsigned char *u = used_p (f, q);
  uint32_t len;

  for (int i = 0; i < 500; i++) {
    uint16_t idx = __atomic_load_n ((uint16_t *) (u + 2), __ATOMIC_ACQUIRE);
    if (idx != f->used_seen[q]) {
      unsigned slot = f->used_seen[q]++ % QNUM;
      memcpy (id, u + 4 + 8 * slot, 4);
      memcpy (&len, u + 8 + 8 * slot, 4);
      return len;
    }
    usleep (10000);
  }
  ck_abort_msg ("no used entry on queue %u within 5 s", q);
  return 0;
}

static void
ctl_send (struct fe *f, uint32_t id, uint16_t ev, uint16_t val, unsigned slot)
{
  unsigned char *p;
  uint64_t a = buf (f, 8, &p);
  memcpy (p, &id, 4); memcpy (p + 4, &ev, 2); memcpy (p + 6, &val, 2);
  put_desc (f, 3, slot, a, 8, 0, 0);
  offer (f, 3, (uint16_t) slot, -1);
}

START_TEST (test_handshake_and_data)
{
  struct fe f;
  unsigned char *cb[4], *p1, *p2, *rx;
  uint32_t id, len;
  char got[6] = "";

  fe_setup (&f, 0);
  /* Control receive buffers (device-writable). */
  for (unsigned i = 0; i < 4; i++) {
    put_desc (&f, 2, i, buf (&f, 64, &cb[i]), 64, 2, 0);
    offer (&f, 2, (uint16_t) i, -1);
  }
  ctl_send (&f, 0xffffffff, 0, 1, 0);                   /* DEVICE_READY */
  len = wait_used (&f, 2, &id);
  ck_assert_uint_eq (len, 8);
  ck_assert_uint_eq (cb[id][4], 1);                     /* DEVICE_ADD */
  ctl_send (&f, 0, 3, 1, 1);                            /* PORT_READY */
  len = wait_used (&f, 2, &id);
  ck_assert_uint_eq (cb[id][4], 7);                     /* PORT_NAME */
  ck_assert_uint_eq (len, 8 + strlen ("org.libguestfs.channel.0"));
  ck_assert (memcmp (cb[id] + 8, "org.libguestfs.channel.0", len - 8) == 0);
  len = wait_used (&f, 2, &id);
  ck_assert_uint_eq (cb[id][4], 6);                     /* PORT_OPEN */
  ck_assert_uint_eq (cb[id][6], 1);

  /* Guest to host: "hello" in a chain of two descriptors. */
  uint64_t a1 = buf (&f, 3, &p1), a2 = buf (&f, 2, &p2);
  memcpy (p1, "hel", 3);
  memcpy (p2, "lo", 2);
  put_desc (&f, 1, 5, a1, 3, 1, 6);
  put_desc (&f, 1, 6, a2, 2, 0, 0);
  offer (&f, 1, 5, -1);
  ck_assert_int_eq (channel_read_full (f.ch, got, 5), 0);
  ck_assert_str_eq (got, "hello");
  ck_assert_uint_eq (wait_used (&f, 1, &id), 0);
  ck_assert_uint_eq (id, 5);

  /* Host to guest. */
  put_desc (&f, 0, 0, buf (&f, 64, &rx), 64, 2, 0);
  offer (&f, 0, 0, -1);
  ck_assert_int_eq (channel_write_full (f.ch, "world", 5), 0);
  ck_assert_uint_eq (wait_used (&f, 0, &id), 5);
  ck_assert (memcmp (rx, "world", 5) == 0);

  struct vhost_stats st;
  ck_assert_int_eq (channel_vhost_stats (f.ch, &st), 0);
  ck_assert_uint_ge (st.kicks, 3);
  ck_assert_uint_ge (st.calls, 3);
  fe_teardown (&f);
}
END_TEST

/* 1 if the device signalled queue Q within MS, 0 if not. */
static int
called (struct fe *f, unsigned q, int ms)
{
  struct pollfd p = { .fd = f->call_rd[q], .events = POLLIN };
  uint64_t v;

  if (poll (&p, 1, ms) != 1)
    return 0;
  while (read (f->call_rd[q], &v, 8) == 8)
    ;
  return 1;
}

/* With EVENT_IDX the device calls only when the used index passes the
 * guest's used_event, and asks for a kick (avail_event) when it has
 * drained a ring.
 */
START_TEST (test_event_idx)
{
  struct fe f;
  unsigned char *rx[3];
  uint16_t ev;
  uint32_t id;

  fe_setup_features (&f, 0, true);
  for (unsigned i = 0; i < 2; i++) {
    put_desc (&f, 0, i, buf (&f, 64, &rx[i]), 64, 2, 0);
    offer (&f, 0, (uint16_t) i, -1);
  }
  /* used_event 0: the first used entry (index 0 -> 1) is signalled. */
  ck_assert_int_eq (channel_write_full (f.ch, "a", 1), 0);
  ck_assert_uint_eq (wait_used (&f, 0, &id), 1);
  ck_assert_int_eq (called (&f, 0, 2000), 1);
  /* The guest has not consumed it (used_event still 0): no call. */
  ck_assert_int_eq (channel_write_full (f.ch, "b", 1), 0);
  ck_assert_uint_eq (wait_used (&f, 0, &id), 1);
  ck_assert_int_eq (called (&f, 0, 300), 0);
  /* Both buffers used: the device asked for a kick at avail index 2. */
  memcpy (&ev, used_p (&f, 0) + 4 + 8 * QNUM, 2);
  ck_assert_uint_eq (ev, 2);
  /* The guest consumed both (used_event 2) and gives a third buffer. */
  ev = 2;
  memcpy (avail_p (&f, 0) + 4 + 2 * QNUM, &ev, 2);
  put_desc (&f, 0, 2, buf (&f, 64, &rx[2]), 64, 2, 0);
  offer (&f, 0, 2, -1);
  ck_assert_int_eq (channel_write_full (f.ch, "c", 1), 0);
  ck_assert_uint_eq (wait_used (&f, 0, &id), 1);
  ck_assert_uint_eq (id, 2);
  ck_assert_int_eq (called (&f, 0, 2000), 1);
  ck_assert (rx[0][0] == 'a' && rx[1][0] == 'b' && rx[2][0] == 'c');
  fe_teardown (&f);
}
END_TEST

/* Each malformed transmit chain ends the session with this error. */
static void
expect_bad_tx (struct fe *f, const char *needle)
{
  char c;
  ck_assert_int_eq (channel_read_full (f->ch, &c, 1), -1);
  ck_assert_msg (strstr (gd_get_error (), needle) != NULL,
                 "error \"%s\" does not contain \"%s\"", gd_get_error (),
                 needle);
}

/* Malformed transmit chains (descriptors 0 and 1 of the tx queue, HEAD
 * offered with the avail index forged to AVAIL unless -1): each ends the
 * session with NEEDLE.
 */
static const struct bad_chain {
  const char *what;
  unsigned ndesc;
  struct { uint64_t addr; uint32_t len; uint16_t flags, next; } desc[2];
  uint16_t head;
  int avail;
  const char *needle;
} bad_chains[] = {
  { "runs off the end", 1, { { GPA + MEM_SIZE - 4, 8, 0, 0 } }, 0, -1,
    "outside guest memory" },
  { "below guest memory", 1, { { 0x1000, 8, 0, 0 } }, 0, -1,
    "outside guest memory" },
  { "huge length", 1, { { GPA + BUF_BASE, 0xffffffff, 0, 0 } }, 0, -1,
    "longer than" },
  { "loop", 2, { { GPA + BUF_BASE, 4, 1, 1 }, { GPA + BUF_BASE, 4, 1, 0 } },
    0, -1, "loops" },
  { "WRITE on tx", 1, { { GPA + BUF_BASE, 4, 2, 0 } }, 0, -1,
    "device-writable" },
  { "head out of range", 0, { { 0 } }, QNUM, -1, "out of range" },
  { "next out of range", 1, { { GPA + BUF_BASE, 4, 1, 200 } }, 0, -1,
    "out of range" },
  { "avail index jump", 1, { { GPA + BUF_BASE, 4, 0, 0 } }, 0, QNUM + 5,
    "ahead" },
  { "indirect", 1, { { GPA + BUF_BASE, 16, 4, 0 } }, 0, -1, "indirect" },
};
#define NBAD_CHAINS (int) (sizeof bad_chains / sizeof bad_chains[0])

START_TEST (test_bad_chain)
{
  const struct bad_chain *b = &bad_chains[_i];
  struct fe f;

  fe_setup (&f, 0);
  for (unsigned i = 0; i < b->ndesc; i++)
    put_desc (&f, 1, i, b->desc[i].addr, b->desc[i].len, b->desc[i].flags,
              b->desc[i].next);
  offer (&f, 1, b->head, b->avail);
  expect_bad_tx (&f, b->needle);
  fe_teardown (&f);
}
END_TEST

/* Rings that do not lie in guest memory are refused when they are set. */
START_TEST (test_ring_outside)
{
  struct fe f;
  fe_setup (&f, MEM_SIZE);
  expect_bad_tx (&f, "ring outside guest memory");
  fe_teardown (&f);
}
END_TEST

START_TEST (test_bad_messages)
{
  struct fe f;
  uint32_t big[2] = { 0, 100 };     /* SET_VRING_NUM 100: not a power of 2 */

  fe_setup (&f, 0);
  send_msg (&f, 8, big, 8, NULL, 0);
  expect_bad_tx (&f, "bad ring size");
  fe_teardown (&f);

  fe_setup (&f, 0);
  send_state (&f, 8, 9, QNUM);      /* queue 9 of 4 */
  expect_bad_tx (&f, "out of range");
  fe_teardown (&f);

  fe_setup (&f, 0);
  unsigned char mt[8] = { 0 };      /* zero regions */
  send_msg (&f, 5, mt, 8, NULL, 0);
  expect_bad_tx (&f, "SET_MEM_TABLE");
  fe_teardown (&f);

  /* A new memory table whose mmap offset (2) keeps the rings' guest
   * addresses aligned but not our mapping of them.
   */
  fe_setup (&f, 0);
  unsigned char mt2[8 + 32] = { 0 };
  uint32_t one = 1;
  uint64_t gpa = GPA, size = MEM_SIZE - 2, off = 2;
  memcpy (mt2, &one, 4);
  memcpy (mt2 + 8, &gpa, 8);
  memcpy (mt2 + 16, &size, 8);
  memcpy (mt2 + 24, &gpa, 8);
  memcpy (mt2 + 32, &off, 8);
  send_msg (&f, 5, mt2, sizeof mt2, &f.memfd, 1);
  expect_bad_tx (&f, "misaligned ring addresses");
  fe_teardown (&f);

  fe_setup (&f, 0);
  send_msg (&f, 77, NULL, 0, NULL, 0);
  expect_bad_tx (&f, "unsupported request 77");
  fe_teardown (&f);
}
END_TEST

/* The front end goes away: the channel reads EOF, the thread ends. */
START_TEST (test_front_end_gone)
{
  struct fe f;
  char c;

  fe_setup (&f, 0);
  close (f.sock);
  f.sock = -1;
  ck_assert_int_eq (channel_read_full (f.ch, &c, 1), -1);
  ck_assert_int_eq (gd_get_errno (), EPIPE);
  fe_teardown (&f);
}
END_TEST

static Suite *
vhost_user_suite (void)
{
  Suite *s = suite_create ("vhost-user");
  TCase *tc = tcase_create ("core");

  tcase_set_timeout (tc, 30);
  tcase_add_test (tc, test_handshake_and_data);
  tcase_add_test (tc, test_event_idx);
  tcase_add_loop_test (tc, test_bad_chain, 0, NBAD_CHAINS);
  tcase_add_test (tc, test_ring_outside);
  tcase_add_test (tc, test_bad_messages);
  tcase_add_test (tc, test_front_end_gone);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return unit_run_suite (vhost_user_suite ());
}
