/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The acknowledged window on the UML serial line: the contract between
 * the host (channel.c, channel_set_window) and the guest relay
 * (guest/uml-relay.c, built as guestdrv-relay and put in the appliance).
 *
 * Why: in Debian's linux.uml 6.1 a serial line whose guest tty buffer
 * fills (n_tty throttles at 4096 - 128 bytes unread) has its host read
 * interrupt deactivated, and unthrottling only reads what is queued at
 * that moment: bytes sent later are never read (launcher/UML.md).  So the
 * tty must never fill.  UML moves everything queued on its host fd into
 * the tty from one interrupt, before any guest reader runs, so host-side
 * pacing alone cannot bound what the tty holds; only the guest can say
 * what it has read.
 *
 * How: the relay reads the data line (ttyS1) as fast as it can and, for
 * every SERIAL_WINDOW_UNIT bytes it has read, writes one SERIAL_WINDOW_ACK
 * byte on a second line (ttyS2, guest to host only).  The host never has
 * more than SERIAL_WINDOW_BYTES written and not yet acknowledged, so the
 * tty never holds more than that: below the throttle mark, always.
 * The relay passes the bytes to guestfsd (--channel fd:3) over a
 * socketpair, and guestfsd's output back to the data line.
 */
#ifndef GUESTDRV_SERIAL_WINDOW_H
#define GUESTDRV_SERIAL_WINDOW_H

#define SERIAL_WINDOW_UNIT  512
#define SERIAL_WINDOW_BYTES (7 * SERIAL_WINDOW_UNIT)   /* 3584 < 3968 */
#define SERIAL_WINDOW_ACK   0x06

#endif
