/* The signals of a guestdrv command that runs children and appliances. */
#ifndef GUESTDRV_SIGNALS_H
#define GUESTDRV_SIGNALS_H

/* SIGINT, SIGTERM and SIGHUP go to HANDLER, without SA_RESTART so that a
 * blocking call returns EINTR and the caller can check its flag; SIGPIPE
 * is ignored (a write to an appliance that died fails with EPIPE).
 */
void gd_signals_catch (void (*handler) (int));

#endif
