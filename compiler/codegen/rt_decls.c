/* rt_decls.c — the table of rt_decls.h. */
#include "rt_decls.h"

const RtDecl rt_decls[RT__COUNT] = {
#define RT_ROW_(id, sym, sig) [RT_##id] = {sym, sig},
    SNOW_RT_DECLS(RT_ROW_)
#undef RT_ROW_
};
