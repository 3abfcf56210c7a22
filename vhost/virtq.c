/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Split virtqueue handling for the device side (virtq.h): address
 * translation through the vhost-user memory table, chain walking with
 * full validation, used-ring updates and notifications.  Layout and
 * flags are <linux/virtio_ring.h>'s (the virtio 1.x specification,
 * section "Split Virtqueues"); every ring field is little-endian.
 */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "virtq.h"
#include "../common/error.h"

/* The three parts of a ring of N entries, each with the event word
 * that EVENT_IDX puts after the ring (used_event, avail_event).
 */
static uint64_t
desc_bytes (uint64_t n)
{
  return sizeof (struct vring_desc) * n;
}

static uint64_t
avail_bytes (uint64_t n)
{
  return offsetof (struct vring_avail, ring) + sizeof (__virtio16) * (n + 1);
}

static uint64_t
used_bytes (uint64_t n)
{
  return offsetof (struct vring_used, ring) +
         sizeof (struct vring_used_elem) * n + sizeof (__virtio16);
}

static bool
misaligned (uint64_t addr, uint64_t align)
{
  return (addr & (align - 1)) != 0;
}

static void *
mem_lookup (const struct vq_mem *m, uint64_t addr, uint64_t len, bool by_uva)
{
  for (unsigned i = 0; i < m->n; i++) {
    const struct vq_region *r = &m->r[i];
    uint64_t base = by_uva ? r->uva : r->gpa;

    /* Written so that nothing can overflow: addr - base < size, and
     * len <= what is left of the region.
     */
    if (addr >= base && addr - base < r->size && len <= r->size - (addr - base))
      return r->host + (addr - base);
  }
  return NULL;
}

void *
vq_mem_gpa (const struct vq_mem *m, uint64_t addr, uint64_t len)
{
  return mem_lookup (m, addr, len, false);
}

void *
vq_mem_uva (const struct vq_mem *m, uint64_t addr, uint64_t len)
{
  return mem_lookup (m, addr, len, true);
}

void
vq_mem_clear (struct vq_mem *m)
{
  for (unsigned i = 0; i < m->n; i++)
    if (m->r[i].map)
      munmap (m->r[i].map, m->r[i].map_len);
  memset (m, 0, sizeof *m);
}

void
virtq_init (struct virtq *vq, unsigned index)
{
  memset (vq, 0, sizeof *vq);
  vq->index = index;
  vq->kick_fd = vq->call_fd = -1;
}

void
virtq_unmap (struct virtq *vq)
{
  vq->desc = NULL;
  vq->avail = NULL;
  vq->used = NULL;
}

int
virtq_map (struct virtq *vq, const struct vq_mem *mem)
{
  uint64_t n = vq->num;

  virtq_unmap (vq);
  if (!vq->have_addr || n == 0)
    return 0;
  if (misaligned (vq->desc_uva, VRING_DESC_ALIGN_SIZE) ||
      misaligned (vq->avail_uva, VRING_AVAIL_ALIGN_SIZE) ||
      misaligned (vq->used_uva, VRING_USED_ALIGN_SIZE)) {
    gd_set_error ("virtqueue %u: misaligned ring addresses", vq->index);
    return -1;
  }
  vq->desc = vq_mem_uva (mem, vq->desc_uva, desc_bytes (n));
  vq->avail = vq_mem_uva (mem, vq->avail_uva, avail_bytes (n));
  vq->used = vq_mem_uva (mem, vq->used_uva, used_bytes (n));
  /* A region's mmap offset need not keep the front end's alignment: the
   * ring fields are accessed in place, so our own addresses must be
   * aligned as well.
   */
  if (vq->desc && vq->avail && vq->used &&
      (misaligned ((uintptr_t) vq->desc, VRING_DESC_ALIGN_SIZE) ||
       misaligned ((uintptr_t) vq->avail, VRING_AVAIL_ALIGN_SIZE) ||
       misaligned ((uintptr_t) vq->used, VRING_USED_ALIGN_SIZE))) {
    virtq_unmap (vq);
    gd_set_error ("virtqueue %u: misaligned ring addresses", vq->index);
    return -1;
  }
  if (!vq->desc || !vq->avail || !vq->used) {
    virtq_unmap (vq);
    gd_set_error ("virtqueue %u: ring outside guest memory "
                  "(desc 0x%llx avail 0x%llx used 0x%llx, size %u)", vq->index,
                  (unsigned long long) vq->desc_uva,
                  (unsigned long long) vq->avail_uva,
                  (unsigned long long) vq->used_uva, vq->num);
    return -1;
  }
  return 0;
}

bool
virtq_ready (const struct virtq *vq)
{
  return vq->desc && vq->enabled && vq->kick_fd >= 0;
}

static uint16_t
load16 (volatile __virtio16 *p)
{
  return le16toh (__atomic_load_n (p, __ATOMIC_ACQUIRE));
}

/* Where EVENT_IDX keeps its words: used_event after the avail ring (the
 * guest's), avail_event after the used ring (ours); vring_used_event()
 * and vring_avail_event() of <linux/virtio_ring.h>, for volatile rings.
 */
static volatile __virtio16 *
used_event (const struct virtq *vq)
{
  return &vq->avail->ring[vq->num];
}

static volatile __virtio16 *
avail_event (const struct virtq *vq)
{
  return (volatile __virtio16 *) &vq->used->ring[vq->num];
}

int
virtq_pop (struct virtq *vq, const struct vq_mem *mem, bool device_writes,
           struct vq_elem *e)
{
  uint16_t avail_idx, idx;
  unsigned i, seen;

  if (!virtq_ready (vq))
    return 0;
  avail_idx = load16 (&vq->avail->idx);
  if (avail_idx == vq->last_avail && vq->event_idx) {
    /* Ask for a kick once kick_batch buffers have come, then look again:
     * a buffer added before the guest saw our avail_event would get no
     * kick.
     */
    uint16_t batch = vq->kick_batch ? vq->kick_batch : 1;

    __atomic_store_n (avail_event (vq),
                      htole16 ((uint16_t) (vq->last_avail + batch - 1)),
                      __ATOMIC_RELAXED);
    __atomic_thread_fence (__ATOMIC_SEQ_CST);
    avail_idx = load16 (&vq->avail->idx);
  }
  if (avail_idx == vq->last_avail)
    return 0;
  if ((uint16_t) (avail_idx - vq->last_avail) > vq->num) {
    gd_set_error ("virtqueue %u: avail index %u is more than %u ahead of %u",
                  vq->index, avail_idx, vq->num, vq->last_avail);
    return -1;
  }
  if ((uint16_t) (avail_idx - vq->last_avail) > vq->avail_peak)
    vq->avail_peak = (uint16_t) (avail_idx - vq->last_avail);
  idx = load16 (&vq->avail->ring[vq->last_avail % vq->num]);
  if (idx >= vq->num) {
    gd_set_error ("virtqueue %u: chain head %u out of range (ring size %u)",
                  vq->index, idx, vq->num);
    return -1;
  }
  e->head = idx;
  e->niov = 0;
  e->len = 0;
  for (seen = 0;; seen++) {
    struct vring_desc d;
    const volatile unsigned char *src;
    unsigned char *dst = (unsigned char *) &d;
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
    void *p;

    if (seen >= vq->num || e->niov >= VQ_MAX_SEGS) {
      gd_set_error ("virtqueue %u: descriptor chain from %u loops or is "
                    "longer than %u", vq->index, e->head,
                    seen >= vq->num ? vq->num : VQ_MAX_SEGS);
      return -1;
    }
    /* One copy out of shared memory (volatile: read once, byte by byte);
     * only the copy is checked and used.
     */
    src = (const volatile unsigned char *) &vq->desc[idx];
    for (i = 0; i < sizeof d; i++)
      dst[i] = src[i];
    addr = le64toh (d.addr);
    len = le32toh (d.len);
    flags = le16toh (d.flags);
    next = le16toh (d.next);
    if (flags & VRING_DESC_F_INDIRECT) {
      gd_set_error ("virtqueue %u: indirect descriptor %u (not negotiated)",
                    vq->index, idx);
      return -1;
    }
    if (!!(flags & VRING_DESC_F_WRITE) != device_writes) {
      gd_set_error ("virtqueue %u: descriptor %u is device-%s in a queue the "
                    "device only %s", vq->index, idx,
                    device_writes ? "readable" : "writable",
                    device_writes ? "writes" : "reads");
      return -1;
    }
    if (len > VQ_MAX_CHAIN_BYTES - e->len) {
      gd_set_error ("virtqueue %u: descriptor chain from %u longer than "
                    "%u bytes", vq->index, e->head, VQ_MAX_CHAIN_BYTES);
      return -1;
    }
    p = vq_mem_gpa (mem, addr, len);
    if (!p) {
      gd_set_error ("virtqueue %u: descriptor %u (0x%llx, %u bytes) outside "
                    "guest memory", vq->index, idx,
                    (unsigned long long) addr, len);
      return -1;
    }
    if (len > 0) {
      e->iov[e->niov].iov_base = p;
      e->iov[e->niov].iov_len = len;
      e->niov++;
      e->len += len;
    }
    vq->descs++;
    if (!(flags & VRING_DESC_F_NEXT))
      break;
    if (next >= vq->num) {
      gd_set_error ("virtqueue %u: descriptor %u: next %u out of range "
                    "(ring size %u)", vq->index, idx, next, vq->num);
      return -1;
    }
    idx = next;
  }
  vq->last_avail++;
  vq->chains++;
  return 1;
}

void
virtq_unpop (struct virtq *vq, unsigned n)
{
  vq->last_avail -= (uint16_t) n;
  vq->chains -= n;
}

void
virtq_push (struct virtq *vq, uint16_t head, uint32_t len)
{
  volatile struct vring_used_elem *u = &vq->used->ring[vq->used_idx % vq->num];

  __atomic_store_n (&u->id, htole32 (head), __ATOMIC_RELAXED);
  __atomic_store_n (&u->len, htole32 (len), __ATOMIC_RELAXED);
  vq->used_idx++;
  /* The entry must be visible before the index that publishes it. */
  __atomic_store_n (&vq->used->idx, htole16 (vq->used_idx), __ATOMIC_RELEASE);
  vq->pending_call = true;
  vq->bytes += len;
}

int
virtq_notify (struct virtq *vq)
{
  uint64_t one = 1;

  if (!vq->pending_call || !vq->avail)
    return 0;
  vq->pending_call = false;
  __atomic_thread_fence (__ATOMIC_SEQ_CST);
  if (vq->event_idx) {
    /* The guest wants a call once the used index passes used_event (it
     * writes what it has consumed): while it still has entries to read
     * it needs none.  virtio spec, "Used Buffer Notification Suppression".
     */
    uint16_t ev = load16 (used_event (vq));
    uint16_t old = vq->signalled_used, now = vq->used_idx;

    vq->signalled_used = now;
    if ((uint16_t) (now - ev - 1) >= (uint16_t) (now - old))
      return 0;
  }
  else if (load16 (&vq->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT)
    return 0;
  if (vq->call_fd < 0)
    return 0;
  /* UML's call fd is a pipe: exactly 8 bytes, like an eventfd.  A full
   * pipe already holds an unread interrupt, so EAGAIN is not an error.
   */
  if (write (vq->call_fd, &one, sizeof one) != sizeof one && errno != EAGAIN) {
    gd_set_error_errno ("virtqueue %u: call", vq->index);
    return -1;
  }
  vq->calls++;
  return 0;
}

int
virtq_drain_kick (struct virtq *vq)
{
  uint64_t v;
  ssize_t r = read (vq->kick_fd, &v, sizeof v);

  if (r == sizeof v) {
    vq->kicks++;
    return 0;
  }
  if (r == -1 && (errno == EAGAIN || errno == EINTR))
    return 0;
  gd_set_error_errno ("virtqueue %u: kick fd", vq->index);
  return -1;
}

void
virtq_reset (struct virtq *vq)
{
  if (vq->kick_fd >= 0)
    close (vq->kick_fd);
  if (vq->call_fd >= 0)
    close (vq->call_fd);
  vq->kick_fd = vq->call_fd = -1;
  virtq_unmap (vq);
  vq->have_addr = false;
  vq->enabled = false;
  vq->kick_batch = vq->avail_peak = 0;
}
