/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio-console control queues (virtio spec, console device,
 * multiport; struct virtio_console_control of <linux/virtio_console.h>,
 * little-endian): the guest's DEVICE_READY and PORT_READY answered with
 * the port, its name and its open state; the port closed when the host
 * closes the channel.
 */
#include <endian.h>
#include <string.h>
#include <unistd.h>

#include "virtio-console-internal.h"
#include "../common/error.h"

_Static_assert (sizeof (struct virtio_console_control) == 8,
                "virtio console control header");
_Static_assert (sizeof (struct virtio_console_control) +
                sizeof VCON_PORT_NAME - 1 <= CTL_MSG_MAX,
                "the port name fits in a control message");

static void
ctl_queue (struct vcon *vc, uint32_t id, uint16_t event, uint16_t value,
           const char *name)
{
  struct virtio_console_control c = {
    .id = htole32 (id), .event = htole16 (event), .value = htole16 (value),
  };
  unsigned slot;
  size_t n = sizeof c;

  if (vc->ctl_n == CTL_MAX)
    return;                     /* never happens: we send at most four */
  slot = (vc->ctl_head + vc->ctl_n++) % CTL_MAX;
  memcpy (vc->ctl[slot], &c, sizeof c);
  if (name) {
    size_t l = strlen (name);
    memcpy (vc->ctl[slot] + sizeof c, name, l);
    n += l;
  }
  vc->ctl_len[slot] = n;
}

static size_t
iov_copy_to (const struct vq_elem *e, const void *buf, size_t n)
{
  const unsigned char *p = buf;
  size_t done = 0;

  for (unsigned i = 0; i < e->niov && done < n; i++) {
    size_t k = e->iov[i].iov_len < n - done ? e->iov[i].iov_len : n - done;
    memcpy (e->iov[i].iov_base, p + done, k);
    done += k;
  }
  return done;
}

static size_t
iov_copy_from (const struct vq_elem *e, void *buf, size_t n)
{
  unsigned char *p = buf;
  size_t done = 0;

  for (unsigned i = 0; i < e->niov && done < n; i++) {
    size_t k = e->iov[i].iov_len < n - done ? e->iov[i].iov_len : n - done;
    memcpy (p + done, e->iov[i].iov_base, k);
    done += k;
  }
  return done;
}

/* Control messages from the guest. */
int
vcon_control_in (struct vcon *vc)
{
  struct vq_elem e;
  int r;

  while ((r = virtq_pop (&vc->dev.vq[Q_CTX], &vc->dev.mem, false, &e)) == 1) {
    struct virtio_console_control m;
    uint32_t id;
    uint16_t event, value;

    /* Copied out of guest memory once; only the copy is read. */
    if (iov_copy_from (&e, &m, sizeof m) == sizeof m) {
      id = le32toh (m.id);
      event = le16toh (m.event);
      value = le16toh (m.value);
      if (event == VIRTIO_CONSOLE_DEVICE_READY && value == 1 &&
          !vc->port_added) {
        ctl_queue (vc, 0, VIRTIO_CONSOLE_PORT_ADD, 1, NULL);
        vc->port_added = true;
      }
      else if (event == VIRTIO_CONSOLE_PORT_READY && id == 0 && value == 1 &&
               !vc->port_open_sent) {
        ctl_queue (vc, 0, VIRTIO_CONSOLE_PORT_NAME, 1, VCON_PORT_NAME);
        if (vc->host_open) {
          ctl_queue (vc, 0, VIRTIO_CONSOLE_PORT_OPEN, 1, NULL);
          vc->port_open_sent = true;
        }
      }
      /* PORT_OPEN from the guest (guestfsd opened the port) needs no
       * answer: data flows as soon as it gives us buffers.
       */
    }
    virtq_push (&vc->dev.vq[Q_CTX], e.head, 0);
  }
  return r;
}

/* Control messages to the guest. */
int
vcon_control_out (struct vcon *vc)
{
  struct vq_elem e;
  int r;

  while (vc->ctl_n > 0) {
    unsigned slot = vc->ctl_head;

    r = virtq_pop (&vc->dev.vq[Q_CRX], &vc->dev.mem, true, &e);
    if (r <= 0)
      return r;
    if (e.len < vc->ctl_len[slot]) {
      gd_set_error ("virtio-console: control buffer of %zu bytes, "
                    "message needs %zu", e.len, vc->ctl_len[slot]);
      return -1;
    }
    iov_copy_to (&e, vc->ctl[slot], vc->ctl_len[slot]);
    virtq_push (&vc->dev.vq[Q_CRX], e.head, (uint32_t) vc->ctl_len[slot]);
    vc->ctl_head = (vc->ctl_head + 1) % CTL_MAX;
    vc->ctl_n--;
  }
  return 0;
}

void
vcon_host_closed (struct vcon *vc)
{
  if (!vc->host_open)
    return;
  vc->host_open = false;
  close (vc->data_fd);
  vc->data_fd = -1;
  if (vc->port_open_sent)
    ctl_queue (vc, 0, VIRTIO_CONSOLE_PORT_OPEN, 0, NULL);
}
