/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A protocol session to the scripted fake daemon (see fake-session.h). */
#undef NDEBUG
#include <check.h>
#include <string.h>
#include <sys/socket.h>

#include "common/error.h"
#include "fake-session.h"

void
fake_session_start (struct fake_session *f, const struct fake_step *steps)
{
  int sv[2];

  ck_assert (socketpair (AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  f->pid = fake_daemon_start (sv[1], sv[0], steps);
  ck_assert (f->pid > 0);
  f->ch = channel_from_fds (sv[0], sv[0], "test");
  ck_assert (f->ch != NULL);
  channel_set_timeout (f->ch, 5000);
  f->p = proto_new (f->ch);
  ck_assert (f->p != NULL);
}

int
fake_session_finish (struct fake_session *f)
{
  proto_free (f->p);
  channel_close (f->ch);
  return fake_daemon_wait (f->pid);
}

void
fake_assert_error (const char *needle)
{
  ck_assert_msg (strstr (gd_get_error (), needle) != NULL,
                 "error \"%s\" does not contain \"%s\"", gd_get_error (),
                 needle);
}

size_t
fake_ok_reply (unsigned char *buf, uint32_t proc, uint32_t serial)
{
  return fake_reply (buf, 64, PROTO_PROGRAM, proc, serial, 0, NULL, NULL,
                     NULL, 0);
}
