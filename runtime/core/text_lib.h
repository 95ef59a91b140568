/* text_lib.h — helpers shared by the text and system library files
 * (string_lib.c, number_lib.c, io_lib.c, env.c, file.c); internal.
 *
 * Option/Result values follow snow_rt.h: Some(x)/Ok(x) are RECORDs with tag 0
 * and one field, Err(e) a RECORD with tag 1, None the immediate 1. The
 * `ptr` arguments say whether the payload word is a heap pointer. */
#ifndef SNOW_TEXT_LIB_H
#define SNOW_TEXT_LIB_H

#include <stddef.h>
#include <stdint.h>

#include "snow_rt.h"

#define SNOW_NONE ((SnowWord)1)
SnowWord snow_lib_some(SnowWord x, int ptr);
SnowWord snow_lib_ok(SnowWord x, int ptr);
SnowWord snow_lib_err_text(const char *msg);
/* Err("<strerror(errnum)> (os error <errnum>)") — stdlib.md §5.2. */
SnowWord snow_lib_err_os(int errnum);
/* 1 when bytes[0..len) is valid UTF-8 (no overlongs, surrogates, > U+10FFFF). */
int snow_utf8_valid(const char *bytes, size_t len);

#endif
