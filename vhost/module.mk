# SPDX-License-Identifier: GPL-2.0-or-later
# vhost/: the virtio device guestdrv serves itself (UML's --uml-channel
# virtio): the vhost-user back end, split virtqueues over guest memory and
# the virtio-console device.  Below channel/, which wraps it as a stream.
LIB_SRCS += vhost/virtq.c
LIB_SRCS += vhost/vhost-user.c
LIB_SRCS += vhost/virtio-console.c
LIB_SRCS += vhost/virtio-console-control.c
