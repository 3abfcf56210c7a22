/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UML on one host CPU (uml-cpu.c). */
#ifndef GUESTDRV_UML_CPU_H
#define GUESTDRV_UML_CPU_H

/* In UML's child before exec: pin to the CPU the child runs on (unless
 * GUESTDRV_UML_PIN=0); the second also installs uml-xstate.c's filter.
 */
void uml_cpu_child_pin (void);
void uml_cpu_child_pin_fxsr (void);

#endif
