/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The vhost-user wire format, as qemu's docs/interop/vhost-user.rst
 * defines it (section "Message specification"): no system header carries
 * it.  Every message is a 12-byte header and a payload of at most
 * VU_MAX_PAYLOAD bytes, in the machine's byte order (unlike the rings,
 * which are little-endian).  Where a payload is the same as the kernel's
 * vhost ioctl argument (a vring state, a vring address) the uapi struct
 * is used; the memory region is not (vhost-user's fourth word is the
 * mmap offset, the kernel's a padding), so it has its own.
 */
#ifndef GUESTDRV_VHOST_USER_MSG_H
#define GUESTDRV_VHOST_USER_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <linux/vhost_types.h>

/* Front-end requests we know (the "Front-end message types" list). */
enum {
  VHOST_USER_GET_FEATURES = 1,
  VHOST_USER_SET_FEATURES = 2,
  VHOST_USER_SET_OWNER = 3,
  VHOST_USER_RESET_OWNER = 4,
  VHOST_USER_SET_MEM_TABLE = 5,
  VHOST_USER_SET_VRING_NUM = 8,
  VHOST_USER_SET_VRING_ADDR = 9,
  VHOST_USER_SET_VRING_BASE = 10,
  VHOST_USER_GET_VRING_BASE = 11,
  VHOST_USER_SET_VRING_KICK = 12,
  VHOST_USER_SET_VRING_CALL = 13,
  VHOST_USER_SET_VRING_ERR = 14,
  VHOST_USER_GET_PROTOCOL_FEATURES = 15,
  VHOST_USER_SET_PROTOCOL_FEATURES = 16,
  VHOST_USER_GET_QUEUE_NUM = 17,
  VHOST_USER_SET_VRING_ENABLE = 18,
  VHOST_USER_SET_SLAVE_REQ_FD = 21,
  VHOST_USER_GET_CONFIG = 24,
  VHOST_USER_SET_CONFIG = 25,
};

/* A virtio feature bit in the transport range that vhost-user claims. */
#define VHOST_USER_F_PROTOCOL_FEATURES 30
/* Protocol feature bits (GET/SET_PROTOCOL_FEATURES). */
#define VHOST_USER_PROTOCOL_F_SLAVE_REQ 5
#define VHOST_USER_PROTOCOL_F_CONFIG 9

/* Header flags: bits 0-1 the version, then reply and need-reply. */
#define VU_VERSION 0x1
#define VU_VERSION_MASK 0x3
#define VU_FLAG_REPLY 0x4
#define VU_FLAG_NEED_REPLY 0x8

#define VU_MAX_PAYLOAD 4096
/* Most fds with one message, and most regions in a memory table (the
 * spec's VHOST_MEMORY_BASELINE_NREGIONS).
 */
#define VU_MAX_FDS 8
#define VU_MAX_MEM_REGIONS 8
/* SET_VRING_KICK/CALL/ERR: a u64 of the queue index and a no-fd flag. */
#define VU_VRING_INDEX_MASK 0xff
#define VU_VRING_NOFD 0x100

struct vu_msg_hdr {
  uint32_t request;
  uint32_t flags;
  uint32_t size;                /* payload bytes that follow */
};

/* "Memory region description". */
struct vu_mem_region {
  uint64_t guest_addr;          /* guest physical */
  uint64_t size;
  uint64_t user_addr;           /* the front end's virtual address */
  uint64_t mmap_offset;         /* where the region starts in its fd */
};

/* "Memory regions description" (SET_MEM_TABLE): the front end may send
 * room for more regions than it counts.
 */
struct vu_mem_table {
  uint32_t nregions;
  uint32_t padding;
  struct vu_mem_region regions[VU_MAX_MEM_REGIONS];
};

/* "Device config space" (GET/SET_CONFIG): this header, then SIZE bytes. */
struct vu_config_hdr {
  uint32_t offset;
  uint32_t size;
  uint32_t flags;
};

union vu_payload {
  uint64_t u64;                         /* features, kick/call/err fd word */
  struct vhost_vring_state state;       /* SET_VRING_NUM/BASE/ENABLE, GET_VRING_BASE */
  struct vhost_vring_addr addr;         /* SET_VRING_ADDR */
  struct vu_mem_table mem;              /* SET_MEM_TABLE */
  struct vu_config_hdr config;          /* GET/SET_CONFIG */
  unsigned char bytes[VU_MAX_PAYLOAD];
};

/* The sizes the spec gives; a uapi struct that grew would break them. */
_Static_assert (sizeof (struct vu_msg_hdr) == 12, "vhost-user header");
_Static_assert (sizeof (struct vhost_vring_state) == 8, "vring state");
_Static_assert (sizeof (struct vhost_vring_addr) == 40, "vring address");
_Static_assert (sizeof (struct vu_mem_region) == 32, "memory region");
_Static_assert (offsetof (struct vu_mem_table, regions) == 8, "memory table");
_Static_assert (sizeof (struct vu_config_hdr) == 12, "config header");
_Static_assert (sizeof (union vu_payload) == VU_MAX_PAYLOAD, "payload");
/* Its first three words are the kernel's region's (the fourth differs). */
_Static_assert (sizeof (struct vu_mem_region) ==
                sizeof (struct vhost_memory_region), "region size");
_Static_assert (offsetof (struct vu_mem_region, user_addr) ==
                offsetof (struct vhost_memory_region, userspace_addr),
                "region layout");

#endif
