/* text.h — STRING object helpers shared inside the runtime (internal).
 *
 * A STRING's payload is a u64 byte length, the bytes, then a NUL; its header
 * size is 8 + length + 1. snow_str_alloc returns a string whose bytes are
 * uninitialised (the NUL is written); fill them before the next allocation
 * only if you rely on their content — strings hold no pointers, so the
 * collector never reads them. */
#ifndef SNOW_TEXT_H
#define SNOW_TEXT_H

#include "snow_rt.h"

static inline uint64_t snow_str_len(const SnowObj *s) { return SNOW_PAYLOAD(s)[0]; }
static inline char *snow_str_bytes(SnowObj *s) { return (char *)(SNOW_PAYLOAD(s) + 1); }

SnowObj *snow_str_alloc(uint64_t len);

/* A static (never collected) string object for a C literal. */
#define SNOW_STATIC_STRING(name, literal)                                                 \
  static struct {                                                                       \
    SnowObj header;                                                                     \
    uint64_t len;                                                                       \
    char bytes[sizeof(literal)];                                                        \
  } name = {{(uint32_t)(8 + sizeof(literal)), SNOW_STRING, SNOW_GC_STATIC, 0, 0},        \
            sizeof(literal) - 1,                                                        \
            literal}

#endif
