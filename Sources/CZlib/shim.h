#ifndef LIENTHONG_CZLIB_SHIM_H
#define LIENTHONG_CZLIB_SHIM_H

#include <zlib.h>

/* inflateInit2 is a macro over inflateInit2_ (it passes the library version and the struct size). */
static inline int lt_inflate_init_raw(z_stream *stream) { return inflateInit2(stream, -MAX_WBITS); }

#endif
