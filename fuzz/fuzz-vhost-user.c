/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: what a vhost-user front end (UML's virtio_uml, i.e.
 * the guest) controls in vhost/vhost-user.c and vhost/virtq.c.
 *
 * The first byte picks the mode:
 * - even: the input, after a small header, is guest memory holding a
 *   split ring; the device pops, writes into and returns every chain it
 *   accepts.  Every iovec must lie inside guest memory (checked here, as
 *   ASan cannot see inside the shared mapping).
 * - odd: the rest is a stream of vhost-user messages from the front end,
 *   sent one by one over a socketpair with the fds the front end would
 *   attach (a memory file to SET_MEM_TABLE, so that it can succeed; an
 *   eventfd to SET_VRING_KICK/CALL/ERR), answered until an error or EOF.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_console.h>

#include "common/error.h"
#include "vhost/vhost-user.h"
#include "vhost/virtq.h"

#define MEM_SIZE (64 * 1024)
#define GPA_BASE 0x100000ULL  /* guest physical address of the memory */
#define UVA_BASE 0x7f0000000000ULL /* the front end's address of it */

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static unsigned char *mem;
static int kick_fd = -1, mem_fd = -1;

static void
setup (void)
{
  if (mem)
    return;
  mem_fd = memfd_create ("fuzz-guest", MFD_CLOEXEC);
  assert (mem_fd >= 0);
  assert (ftruncate (mem_fd, MEM_SIZE) == 0);
  mem = mmap (NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, mem_fd, 0);
  assert (mem != MAP_FAILED);
  kick_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  assert (kick_fd >= 0);
}

static uint64_t
get (const uint8_t *p, unsigned n)
{
  uint64_t v = 0;
  for (unsigned i = 0; i < n; i++)
    v |= (uint64_t) p[i] << (8 * i);
  return v;
}

/* Header: num log2 (1), flags (1), desc/avail/used offsets (2 each), then
 * guest memory.
 */
static void
fuzz_ring (const uint8_t *data, size_t size)
{
  struct vq_mem m;
  struct virtq vq;
  struct vq_elem e;

  if (size < 8)
    return;
  memset (mem, 0, MEM_SIZE);
  memcpy (mem, data + 8, size - 8 < MEM_SIZE ? size - 8 : MEM_SIZE);

  memset (&m, 0, sizeof m);
  m.r[0].gpa = GPA_BASE;
  m.r[0].size = MEM_SIZE;
  m.r[0].uva = UVA_BASE;
  m.r[0].host = mem;
  m.n = 1;

  virtq_init (&vq, 0);
  vq.num = 1u << (data[0] % 10);          /* 1 .. 512 */
  vq.event_idx = data[1] & 1;
  vq.kick_batch = (uint16_t) (data[1] >> 3);   /* an empty ring's avail_event */
  vq.desc_uva = UVA_BASE + get (data + 2, 2);
  vq.avail_uva = UVA_BASE + get (data + 4, 2);
  vq.used_uva = UVA_BASE + get (data + 6, 2);
  vq.have_addr = true;
  vq.enabled = true;
  vq.kick_fd = kick_fd;
  if (virtq_map (&vq, &m) == -1)
    return;

  bool writes = data[1] & 2;
  for (unsigned n = 0; n < 1024; n++) {
    int r = virtq_pop (&vq, &m, writes, &e);
    if (r != 1)
      break;
    assert (e.niov <= VQ_MAX_SEGS && e.len <= VQ_MAX_CHAIN_BYTES);
    for (unsigned i = 0; i < e.niov; i++) {
      unsigned char *b = e.iov[i].iov_base;
      assert (b >= mem && e.iov[i].iov_len <= MEM_SIZE &&
              b + e.iov[i].iov_len <= mem + MEM_SIZE);
      if (writes)
        memset (b, 0xa5, e.iov[i].iov_len);
    }
    virtq_push (&vq, e.head, (uint32_t) e.len);
    if (data[1] & 4)
      virtq_notify (&vq);               /* call_fd -1: nothing is written */
  }
}

static void
drain (int fd)
{
  char buf[4096];
  while (recv (fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
    ;
}

/* Send LEN bytes as one message, with the fd(s) the front end would attach
 * to REQUEST: the memory file for SET_MEM_TABLE, an eventfd for
 * SET_VRING_KICK/CALL/ERR (the device closes what it does not keep).
 */
static int
send_one (int sock, const uint8_t *p, size_t len, uint32_t request)
{
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE (sizeof (int))];
  } cbuf;
  struct iovec iov = { (void *) p, len };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  int fd = -1;
  ssize_t r;

  if (request == 5)
    fd = mem_fd;
  else if (request >= 12 && request <= 14)
    fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd >= 0) {
    mh.msg_control = cbuf.buf;
    mh.msg_controllen = sizeof cbuf.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR (&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN (sizeof (int));
    memcpy (CMSG_DATA (c), &fd, sizeof (int));
  }
  r = sendmsg (sock, &mh, MSG_DONTWAIT);
  if (fd >= 0 && fd != mem_fd)
    close (fd);
  return r == (ssize_t) len ? 0 : -1;
}

static void
fuzz_messages (const uint8_t *data, size_t size)
{
  static const unsigned char config[12] = { 80, 0, 25, 0, 1, 0, 0, 0 };
  struct vu_dev dev;
  int sv[2];

  if (size == 0 || size > 32 * 1024)
    return;
  assert (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  int bufsz = 256 * 1024;
  setsockopt (sv[1], SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof bufsz);
  setsockopt (sv[0], SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof bufsz);

  vu_dev_init (&dev, 4, (1ULL << VIRTIO_F_VERSION_1) |
               (1ULL << VIRTIO_RING_F_EVENT_IDX) |
               (1ULL << VIRTIO_CONSOLE_F_MULTIPORT),
               config, sizeof config);
  dev.sock = sv[0];
  /* One message at a time, cut where each header says it ends; what is
   * left at the end is sent whole and the socket shut, so a header that
   * promises more bytes than follow meets EOF.
   */
  for (unsigned n = 0; n < 256 && size > 0; n++) {
    size_t len = size;
    uint32_t request = size >= 4 ? (uint32_t) get (data, 4) : 0;
    if (size >= 12 && 12 + get (data + 8, 4) <= size)
      len = 12 + get (data + 8, 4);
    if (send_one (sv[1], data, len, request) == -1)
      break;
    data += len;
    size -= len;
    if (size == 0)
      shutdown (sv[1], SHUT_WR);
    int r = vu_dev_handle (&dev);
    if (r != 0) {
      if (r == -1 && getenv ("FUZZ_DEBUG"))
        fprintf (stderr, "message %u: %s\n", n, gd_get_error ());
      break;
    }
    drain (sv[1]);
  }
  vu_dev_close (&dev);                  /* closes sv[0] */
  close (sv[1]);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  setup ();
  if (size < 1)
    return 0;
  if (data[0] & 1)
    fuzz_messages (data + 1, size - 1);
  else
    fuzz_ring (data + 1, size - 1);
  return 0;
}
