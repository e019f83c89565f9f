/* vp-device-error.c */
#include "vp-device-error.h"

G_DEFINE_QUARK (vp-device-error-quark, vp_device_error)
