// zlib (Debian zlib1g-dev) for Cohort's PNG encoder.
#include <zlib.h>
