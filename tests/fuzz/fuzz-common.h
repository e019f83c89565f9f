/* fuzz-common.h: what every Vendpoint fuzz target shares
 *
 * A g_return_if_fail() that trips on fuzzed input is a bug in the codec (public
 * functions must refuse bad bytes with a GError, never with a critical), so criticals
 * and warnings abort here and libFuzzer reports them as crashes.
 */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>

#include "vp-device-error.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_FATAL_MASK);
  g_log_set_fatal_mask ("GLib", G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

/* Fail the run loudly: an invariant of the codec does not hold. */
#define FUZZ_CHECK(cond) \
  G_STMT_START { if (!(cond)) { g_printerr ("check failed: %s\n", #cond); abort (); } } G_STMT_END
