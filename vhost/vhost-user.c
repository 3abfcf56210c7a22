/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vhost-user device side: message framing, fds passed with SCM_RIGHTS,
 * the memory table and the per-queue set-up (vhost-user.h).  Every field
 * the front end sends is checked: queue indexes, ring sizes, region
 * sizes and offsets, fd counts.  Replies go out at once: UML waits for
 * them with interrupts off.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vhost-user.h"
#include "vhost-user-msg.h"
#include "../common/error.h"

/* The config space we would ever return (virtio-console's is 12 bytes). */
#define VU_MAX_CONFIG 256

_Static_assert (VU_MAX_MEM_REGIONS == VQ_MEM_MAX_REGIONS, "memory table");

struct vu_msg {
  struct vu_msg_hdr hdr;
  union vu_payload payload;
  int fds[VU_MAX_FDS];
  unsigned nfds;
};

void
vu_dev_init (struct vu_dev *dev, unsigned nqueues, uint64_t features,
             const void *config, unsigned config_len)
{
  memset (dev, 0, sizeof *dev);
  dev->sock = -1;
  dev->nqueues = nqueues < VU_MAX_QUEUES ? nqueues : VU_MAX_QUEUES;
  dev->features = features | (1ULL << VHOST_USER_F_PROTOCOL_FEATURES);
  /* Linux 6.1's virtio_uml allocates its interrupt number when it sets
   * up the back-end request channel; without SLAVE_REQ its queues ask for
   * IRQ 0, the timer's, and fail with EBUSY.  So we offer it, keep the fd
   * and never send a request.
   */
  dev->protocol_features = (1ULL << VHOST_USER_PROTOCOL_F_CONFIG) |
                           (1ULL << VHOST_USER_PROTOCOL_F_SLAVE_REQ);
  dev->req_fd = -1;
  dev->config = config;
  dev->config_len = config_len;
  for (unsigned i = 0; i < VU_MAX_QUEUES; i++)
    virtq_init (&dev->vq[i], i);
}

static void
close_fds (struct vu_msg *m)
{
  for (unsigned i = 0; i < m->nfds; i++)
    if (m->fds[i] >= 0)
      close (m->fds[i]);
  m->nfds = 0;
}

/* Read exactly N bytes (the socket is blocking with a receive timeout). */
static int
read_full (int fd, void *buf, size_t n)
{
  unsigned char *p = buf;

  while (n > 0) {
    ssize_t r = read (fd, p, n);
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0) {
      if (r == 0)
        errno = ECONNRESET;
      gd_set_error_errno ("vhost-user: truncated message");
      return -1;
    }
    p += r;
    n -= (size_t) r;
  }
  return 0;
}

/* 1 = message read, 0 = EOF before a message, -1 = error. */
static int
recv_msg (struct vu_dev *dev, struct vu_msg *m)
{
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE (VU_MAX_FDS * sizeof (int))];
  } cbuf;
  struct iovec iov = { &m->hdr, sizeof m->hdr };
  struct msghdr mh = {
    .msg_iov = &iov, .msg_iovlen = 1,
    .msg_control = cbuf.buf, .msg_controllen = sizeof cbuf.buf,
  };
  ssize_t r;

  m->nfds = 0;
  do
    r = recvmsg (dev->sock, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
  while (r == -1 && errno == EINTR);
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c; c = CMSG_NXTHDR (&mh, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      continue;
    size_t n = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);
    for (size_t i = 0; i < n; i++) {
      int fd;
      memcpy (&fd, CMSG_DATA (c) + i * sizeof (int), sizeof fd);
      if (m->nfds < VU_MAX_FDS)
        m->fds[m->nfds++] = fd;
      else
        close (fd);
    }
  }
  if (r == 0 && m->nfds == 0)
    return 0;
  if (r != (ssize_t) sizeof m->hdr) {
    close_fds (m);
    if (r >= 0)
      errno = EPROTO;
    gd_set_error_errno ("vhost-user: reading a message header");
    return -1;
  }
  if (mh.msg_flags & MSG_CTRUNC) {
    close_fds (m);
    gd_set_error ("vhost-user: more than %d fds with one message", VU_MAX_FDS);
    return -1;
  }
  if ((m->hdr.flags & VU_VERSION_MASK) != VU_VERSION ||
      m->hdr.size > VU_MAX_PAYLOAD) {
    close_fds (m);
    gd_set_error ("vhost-user: bad message header (request %u, flags 0x%x, "
                  "size %u)", m->hdr.request, m->hdr.flags, m->hdr.size);
    return -1;
  }
  if (read_full (dev->sock, m->payload.bytes, m->hdr.size) == -1) {
    close_fds (m);
    return -1;
  }
  return 1;
}

static int
send_reply (struct vu_dev *dev, const struct vu_msg *req, const void *payload,
            uint32_t size)
{
  struct {
    struct vu_msg_hdr hdr;
    unsigned char payload[sizeof (struct vu_config_hdr) + VU_MAX_CONFIG];
  } out;
  const unsigned char *buf = (const unsigned char *) &out;
  size_t n = sizeof out.hdr + size;

  _Static_assert (offsetof (__typeof__ (out), payload) == sizeof out.hdr,
                  "reply header and payload are contiguous");
  if (size > sizeof out.payload) {
    gd_set_error ("vhost-user: reply too large");
    return -1;
  }
  out.hdr.request = req->hdr.request;
  out.hdr.flags = VU_VERSION | VU_FLAG_REPLY;
  out.hdr.size = size;
  memcpy (out.payload, payload, size);
  for (size_t off = 0; off < n;) {
    ssize_t r = send (dev->sock, buf + off, n - off, MSG_NOSIGNAL);
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0) {
      gd_set_error_errno ("vhost-user: sending the reply to request %u",
                          req->hdr.request);
      return -1;
    }
    off += (size_t) r;
  }
  return 0;
}

static int
reply_u64 (struct vu_dev *dev, const struct vu_msg *req, uint64_t v)
{
  return send_reply (dev, req, &v, sizeof v);
}

static int
need_size (const struct vu_msg *m, size_t size, const char *what)
{
  if (m->hdr.size < size) {
    gd_set_error ("vhost-user: %s: payload of %u bytes, expected %zu",
                  what, m->hdr.size, size);
    return -1;
  }
  return 0;
}

static struct virtq *
queue_arg (struct vu_dev *dev, uint32_t index, const char *what)
{
  if (index >= dev->nqueues) {
    gd_set_error ("vhost-user: %s: queue %u out of range (%u queues)",
                  what, index, dev->nqueues);
    return NULL;
  }
  return &dev->vq[index];
}

static int
remap_queues (struct vu_dev *dev)
{
  for (unsigned i = 0; i < dev->nqueues; i++)
    if (virtq_map (&dev->vq[i], &dev->mem) == -1)
      return -1;
  return 0;
}

static int
set_mem_table (struct vu_dev *dev, struct vu_msg *m)
{
  const size_t head = offsetof (struct vu_mem_table, regions);
  uint32_t n;

  if (need_size (m, head, "SET_MEM_TABLE") == -1)
    return -1;
  n = m->payload.mem.nregions;
  /* Linux 6.1's UML sends room for two regions even when it uses one:
   * only the regions it counts are read.
   */
  if (n == 0 || n > VU_MAX_MEM_REGIONS ||
      m->hdr.size < head + sizeof (struct vu_mem_region) * n ||
      m->nfds != n) {
    gd_set_error ("vhost-user: SET_MEM_TABLE: %u regions, %u fds, %u bytes",
                  n, m->nfds, m->hdr.size);
    return -1;
  }
  for (unsigned i = 0; i < dev->nqueues; i++)
    virtq_unmap (&dev->vq[i]);
  vq_mem_clear (&dev->mem);
  for (uint32_t i = 0; i < n; i++) {
    struct vq_region *r = &dev->mem.r[i];
    const struct vu_mem_region *src = &m->payload.mem.regions[i];
    uint64_t off = src->mmap_offset;

    r->gpa = src->guest_addr;
    r->size = src->size;
    r->uva = src->user_addr;
    if (r->size == 0 || r->size > (1ULL << 40) || off > (1ULL << 40) ||
        r->gpa + r->size < r->gpa || r->uva + r->size < r->uva) {
      gd_set_error ("vhost-user: SET_MEM_TABLE: region %u: bad size 0x%llx "
                    "or offset 0x%llx", i, (unsigned long long) r->size,
                    (unsigned long long) off);
      vq_mem_clear (&dev->mem);
      return -1;
    }
    r->map_len = off + r->size;
    r->map = mmap (NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
                   m->fds[i], 0);
    if (r->map == MAP_FAILED) {
      r->map = NULL;
      gd_set_error_errno ("vhost-user: mmap of guest memory region %u "
                          "(%llu bytes)", i, (unsigned long long) r->map_len);
      vq_mem_clear (&dev->mem);
      return -1;
    }
    r->host = (unsigned char *) r->map + off;
    dev->mem.n = i + 1;
  }
  return remap_queues (dev);
}

/* SET_VRING_KICK/CALL/ERR: u64 = index | VU_VRING_NOFD. */
static int
set_vring_fd (struct vu_dev *dev, struct vu_msg *m, const char *what)
{
  uint64_t v;
  struct virtq *vq;
  int fd = -1;

  if (need_size (m, sizeof m->payload.u64, what) == -1)
    return -1;
  v = m->payload.u64;
  vq = queue_arg (dev, (uint32_t) (v & VU_VRING_INDEX_MASK), what);
  if (!vq)
    return -1;
  if (!(v & VU_VRING_NOFD)) {
    if (m->nfds != 1) {
      gd_set_error ("vhost-user: %s: %u fds, expected 1", what, m->nfds);
      return -1;
    }
    fd = m->fds[0];
    m->nfds = 0;
    /* Never block the device thread on a guest fd. */
    if (fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK) == -1) {
      gd_set_error_errno ("vhost-user: %s: fcntl", what);
      close (fd);
      return -1;
    }
  }
  if (m->hdr.request == VHOST_USER_SET_VRING_KICK) {
    if (vq->kick_fd >= 0)
      close (vq->kick_fd);
    vq->kick_fd = fd;
    /* Without protocol features a ring starts with its kick fd. */
    if (!(dev->acked_features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES)))
      vq->enabled = true;
  }
  else if (m->hdr.request == VHOST_USER_SET_VRING_CALL) {
    if (vq->call_fd >= 0)
      close (vq->call_fd);
    vq->call_fd = fd;
  }
  else if (fd >= 0)
    close (fd);                 /* error fd: we never report ring errors */
  return 0;
}

static int
get_config (struct vu_dev *dev, const struct vu_msg *m)
{
  struct {
    struct vu_config_hdr hdr;
    unsigned char data[VU_MAX_CONFIG];
  } out;
  uint32_t off, size;

  _Static_assert (offsetof (__typeof__ (out), data) == sizeof out.hdr,
                  "config header and data are contiguous");
  if (need_size (m, sizeof m->payload.config, "GET_CONFIG") == -1)
    return -1;
  out.hdr = m->payload.config;  /* the reply repeats offset, size, flags */
  off = out.hdr.offset;
  size = out.hdr.size;
  if (size > VU_MAX_CONFIG || off > VU_MAX_CONFIG - size) {
    gd_set_error ("vhost-user: GET_CONFIG: offset %u size %u", off, size);
    return -1;
  }
  memset (out.data, 0, size);
  for (uint32_t i = 0; i < size; i++)
    if (off + i < dev->config_len)
      out.data[i] = dev->config[off + i];
  return send_reply (dev, m, &out, (uint32_t) (sizeof out.hdr + size));
}

static int
dispatch (struct vu_dev *dev, struct vu_msg *m)
{
  struct virtq *vq;
  struct vhost_vring_state st;
  struct vhost_vring_addr addr;
  uint64_t v;

  switch (m->hdr.request) {
  case VHOST_USER_GET_FEATURES:
    return reply_u64 (dev, m, dev->features);
  case VHOST_USER_GET_PROTOCOL_FEATURES:
    return reply_u64 (dev, m, dev->protocol_features);
  case VHOST_USER_GET_QUEUE_NUM:
    return reply_u64 (dev, m, dev->nqueues);
  case VHOST_USER_GET_CONFIG:
    return get_config (dev, m);
  case VHOST_USER_SET_FEATURES:
  case VHOST_USER_SET_PROTOCOL_FEATURES:
    if (need_size (m, sizeof m->payload.u64, "SET_FEATURES") == -1)
      return -1;
    v = m->payload.u64;
    if (m->hdr.request == VHOST_USER_SET_FEATURES) {
      if (v & ~dev->features)
        goto unoffered;
      dev->acked_features = v;
      for (unsigned i = 0; i < VU_MAX_QUEUES; i++)
        dev->vq[i].event_idx = (v >> VIRTIO_RING_F_EVENT_IDX) & 1;
    }
    else {
      if (v & ~dev->protocol_features)
        goto unoffered;
      dev->acked_protocol = v;
    }
    return 0;
  unoffered:
    gd_set_error ("vhost-user: front end acked features 0x%llx never offered",
                  (unsigned long long) v);
    return -1;
  case VHOST_USER_SET_OWNER:
  case VHOST_USER_RESET_OWNER:
  case VHOST_USER_SET_CONFIG:
    return 0;
  case VHOST_USER_SET_MEM_TABLE:
    return set_mem_table (dev, m);
  case VHOST_USER_SET_VRING_NUM:
  case VHOST_USER_SET_VRING_BASE:
  case VHOST_USER_SET_VRING_ENABLE:
  case VHOST_USER_GET_VRING_BASE:
    if (need_size (m, sizeof st, "vring state") == -1)
      return -1;
    st = m->payload.state;
    vq = queue_arg (dev, st.index, "vring state");
    if (!vq)
      return -1;
    if (m->hdr.request == VHOST_USER_SET_VRING_NUM) {
      if (st.num == 0 || st.num > VQ_MAX_NUM || (st.num & (st.num - 1))) {
        gd_set_error ("vhost-user: queue %u: bad ring size %u", st.index,
                      st.num);
        return -1;
      }
      vq->num = st.num;
      return virtq_map (vq, &dev->mem);
    }
    if (m->hdr.request == VHOST_USER_SET_VRING_BASE) {
      vq->last_avail = vq->used_idx = vq->signalled_used = (uint16_t) st.num;
      return 0;
    }
    if (m->hdr.request == VHOST_USER_SET_VRING_ENABLE) {
      vq->enabled = st.num != 0;
      return 0;
    }
    /* GET_VRING_BASE stops the ring. */
    st.num = vq->last_avail;
    virtq_reset (vq);
    return send_reply (dev, m, &st, sizeof st);
  case VHOST_USER_SET_VRING_ADDR:
    if (need_size (m, sizeof addr, "SET_VRING_ADDR") == -1)
      return -1;
    addr = m->payload.addr;
    vq = queue_arg (dev, addr.index, "SET_VRING_ADDR");
    if (!vq)
      return -1;
    vq->desc_uva = addr.desc_user_addr;
    vq->used_uva = addr.used_user_addr;
    vq->avail_uva = addr.avail_user_addr;
    vq->have_addr = true;
    return virtq_map (vq, &dev->mem);
  case VHOST_USER_SET_SLAVE_REQ_FD:
    if (m->nfds != 1) {
      gd_set_error ("vhost-user: SET_SLAVE_REQ_FD: %u fds, expected 1", m->nfds);
      return -1;
    }
    if (dev->req_fd >= 0)
      close (dev->req_fd);
    dev->req_fd = m->fds[0];
    m->nfds = 0;
    return 0;
  case VHOST_USER_SET_VRING_KICK:
    return set_vring_fd (dev, m, "SET_VRING_KICK");
  case VHOST_USER_SET_VRING_CALL:
    return set_vring_fd (dev, m, "SET_VRING_CALL");
  case VHOST_USER_SET_VRING_ERR:
    return set_vring_fd (dev, m, "SET_VRING_ERR");
  default:
    gd_set_error ("vhost-user: unsupported request %u", m->hdr.request);
    return -1;
  }
}

int
vu_dev_handle (struct vu_dev *dev)
{
  static __thread struct vu_msg m;
  int r = recv_msg (dev, &m);

  if (r <= 0)
    return r == 0 ? 1 : -1;
  dev->msgs++;
  r = dispatch (dev, &m);
  close_fds (&m);
  if (r == 0 && (m.hdr.flags & VU_FLAG_NEED_REPLY) &&
      m.hdr.request != VHOST_USER_GET_FEATURES &&
      m.hdr.request != VHOST_USER_GET_PROTOCOL_FEATURES &&
      m.hdr.request != VHOST_USER_GET_QUEUE_NUM &&
      m.hdr.request != VHOST_USER_GET_CONFIG &&
      m.hdr.request != VHOST_USER_GET_VRING_BASE)
    r = reply_u64 (dev, &m, 0);
  return r;
}

void
vu_dev_close (struct vu_dev *dev)
{
  for (unsigned i = 0; i < VU_MAX_QUEUES; i++)
    virtq_reset (&dev->vq[i]);
  vq_mem_clear (&dev->mem);
  if (dev->req_fd >= 0)
    close (dev->req_fd);
  if (dev->sock >= 0)
    close (dev->sock);
  dev->sock = dev->req_fd = -1;
}
