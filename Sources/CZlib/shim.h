#ifndef TIANBAO_CZLIB_SHIM_H
#define TIANBAO_CZLIB_SHIM_H

#include <zlib.h>

// deflateInit2 and inflateInit2 are macros Swift cannot call.
static inline int tianbao_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

// 15 + 32: accept both gzip and zlib headers.
static inline int tianbao_inflate_init_auto(z_streamp stream) {
    return inflateInit2(stream, 15 + 32);
}

#endif
