/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Split virtqueues seen from the device side, over guest memory shared
 * by a vhost-user front end.  The guest is untrusted: every index,
 * address, length and chain is checked against the memory table before
 * a byte is touched, and descriptors are copied out of shared memory
 * once before they are checked (the guest can rewrite them at any time).
 * The ring layout is <linux/virtio_ring.h>'s.
 * A bad ring is an error (-1, message set), never a host access outside
 * the guest's memory.
 */
#ifndef GUESTDRV_VIRTQ_H
#define GUESTDRV_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <linux/virtio_ring.h>

#define VQ_MEM_MAX_REGIONS 8
/* Largest ring we accept (the virtio maximum); UML uses 256. */
#define VQ_MAX_NUM 32768
/* Longest descriptor chain we follow, and most bytes in one chain. */
#define VQ_MAX_SEGS 64
#define VQ_MAX_CHAIN_BYTES (1024 * 1024)

struct vq_region {
  uint64_t gpa, size, uva;      /* guest physical, length, front-end address */
  unsigned char *host;          /* our mapping of gpa */
  void *map;                    /* mmap() base (covers mmap_offset too) */
  size_t map_len;
};

struct vq_mem {
  struct vq_region r[VQ_MEM_MAX_REGIONS];
  unsigned n;
};

/* Host pointer for [ADDR, ADDR+LEN) of guest physical (gpa) or front-end
 * (uva) addresses, wholly inside one region; NULL if not.
 */
void *vq_mem_gpa (const struct vq_mem *m, uint64_t addr, uint64_t len);
void *vq_mem_uva (const struct vq_mem *m, uint64_t addr, uint64_t len);
/* Unmap every region. */
void vq_mem_clear (struct vq_mem *m);

struct virtq {
  unsigned index;
  unsigned num;                 /* ring size, 0 = not set */
  uint64_t desc_uva, avail_uva, used_uva;
  bool have_addr, enabled;
  /* Mapped, when started; little-endian (VIRTIO_F_VERSION_1). */
  volatile struct vring_desc *desc;
  volatile struct vring_avail *avail;
  volatile struct vring_used *used;
  uint16_t last_avail;          /* next avail entry to take */
  uint16_t used_idx;            /* next used entry to fill */
  int kick_fd, call_fd;
  bool pending_call;            /* used entries added since the last call */
  bool event_idx;               /* VIRTIO_RING_F_EVENT_IDX negotiated */
  uint16_t signalled_used;      /* used index when we last decided on a call */
  /* With EVENT_IDX: how many new buffers an empty ring waits for before
   * the guest kicks (0 = 1: the next one), and the most buffers ever
   * seen waiting in the avail ring at once.
   */
  uint16_t kick_batch, avail_peak;
  /* Counters. */
  uint64_t kicks, calls, chains, descs, bytes;
};

/* One descriptor chain taken from the avail ring. */
struct vq_elem {
  uint16_t head;
  unsigned niov;
  size_t len;                   /* sum of iov lengths */
  struct iovec iov[VQ_MAX_SEGS];
};

void virtq_init (struct virtq *vq, unsigned index);
/* Map the rings through the memory table (after SET_VRING_ADDR and
 * SET_MEM_TABLE).  0, or -1 if they do not lie in guest memory.
 */
int virtq_map (struct virtq *vq, const struct vq_mem *mem);
/* Forget the mapping (before the memory table changes). */
void virtq_unmap (struct virtq *vq);
bool virtq_ready (const struct virtq *vq);
/* Take the next chain.  With EVENT_IDX, an empty ring asks the guest to
 * kick once it has added kick_batch more buffers (avail_event) and looks
 * once more.  DEVICE_WRITES: every descriptor must be
 * device-writable (a receive queue), else device-readable.  Returns 1
 * with *E filled, 0 when the ring is empty, -1 on a malformed ring.
 */
int virtq_pop (struct virtq *vq, const struct vq_mem *mem, bool device_writes,
               struct vq_elem *e);
/* Give back the last N chains taken and not used (they stay in the
 * avail ring, so the next pop takes them again).
 */
void virtq_unpop (struct virtq *vq, unsigned n);
/* Return a chain to the guest with LEN bytes written into it. */
void virtq_push (struct virtq *vq, uint16_t head, uint32_t len);
/* Signal the guest if used entries were added (and it did not ask us not
 * to).  0, or -1 if the call fd failed.
 */
int virtq_notify (struct virtq *vq);
/* Drain the kick fd (eventfd).  0, or -1 on EOF/error. */
int virtq_drain_kick (struct virtq *vq);
/* Close the fds and forget the mapping. */
void virtq_reset (struct virtq *vq);

#endif
