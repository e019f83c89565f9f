/* vp-model-error.c */
#include "vp-model-error.h"

G_DEFINE_QUARK (vp-model-error-quark, vp_model_error)
