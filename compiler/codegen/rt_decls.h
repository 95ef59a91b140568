/* rt_decls.h — the compiler's one table of runtime entry points.
 *
 * Contract: every runtime function that generated code calls is listed in
 * SNOW_RT_DECLS exactly as runtime/include/snow_rt.h declares it
 * (tests/unit/test_codegen.c checks that every row names a function of the
 * header, and runs generated code against the runtime library).
 * The IR refers to entries by RtId (IR_CALL_RT); code generation declares
 * them from the signature strings.
 *
 * X(ID, SYMBOL, SIGNATURE): SIGNATURE is "<ret>:<params>", one letter per
 * type: w = 64-bit word (SnowWord, int64_t, uint64_t), p = pointer
 * (SnowObj *, const char *, arrays, function pointers), d = double,
 * i = 32-bit integer (uint32_t, int), v = void (return only). A leading `!`
 * marks functions that never return. */
#ifndef SNOW_RT_DECLS_H
#define SNOW_RT_DECLS_H

#define SNOW_RT_DECLS(X)                                                                           \
  X(MAIN, "snow_rt_main", "i:ipp")                                                                 \
  X(ALLOC, "snow_alloc", "p:iiiw")                                                                 \
  X(RECORD, "snow_record", "p:iwip")                                                               \
  X(PANIC, "snow_panic", "!v:ppw")                                                                 \
  X(PANIC_STR, "snow_panic_str", "!v:ppw")                                                         \
  X(PANIC_DIV_ZERO, "snow_panic_div_zero", "!v:pw")                                                \
  X(PANIC_NO_MATCH, "snow_panic_no_match", "!v:pw")                                                \
  X(PRINTLN, "snow_println", "v:p")                                                                \
  X(PRINT, "snow_print", "v:p")                                                                    \
  X(EPRINTLN, "snow_eprintln", "v:p")                                                              \
  X(STRING_NEW, "snow_string_new", "p:pw")                                                         \
  X(STRING_CONCAT, "snow_string_concat", "p:pp")                                                   \
  X(STRING_CONCAT_N, "snow_string_concat_n", "p:wp")                                               \
  X(STRING_EQ, "snow_string_eq", "w:pp")                                                           \
  X(STRING_CMP, "snow_string_cmp", "w:pp")                                                         \
  X(STRING_LENGTH, "snow_string_length", "w:p")                                                    \
  X(STRING_INSPECT, "snow_string_inspect", "p:p")                                                  \
  X(INT_TO_STRING, "snow_int_to_string", "p:w")                                                    \
  X(FLOAT_TO_STRING, "snow_float_to_string", "p:d")                                                \
  X(BOOL_TO_STRING, "snow_bool_to_string", "p:w")                                                  \
  X(UNIT_TO_STRING, "snow_unit_to_string", "p:")                                                   \
  X(HASH_INT, "snow_hash_int", "w:w")                                                              \
  X(HASH_FLOAT, "snow_hash_float", "w:d")                                                          \
  X(HASH_BOOL, "snow_hash_bool", "w:w")                                                            \
  X(HASH_STRING, "snow_hash_string", "w:p")                                                        \
  X(HASH_COMBINE, "snow_hash_combine", "w:ww")                                                     \
  X(CALL0, "snow_call0", "w:p")                                                                    \
  X(CALL1, "snow_call1", "w:pw")                                                                   \
  X(CALL2, "snow_call2", "w:pww")                                                                  \
  X(CALL3, "snow_call3", "w:pwww")                                                                 \
  X(LIST_FROM, "snow_list_from", "p:wpw")                                                          \
  X(LIST_EMPTY, "snow_list_empty", "p:")                                                           \
  X(LIST_LENGTH, "snow_list_length", "w:p")                                                        \
  X(LIST_AT, "snow_list_at", "w:pw")                                                               \
  X(LIST_HEAD, "snow_list_head", "w:p")                                                            \
  X(LIST_TAIL, "snow_list_tail", "p:p")                                                            \
  X(LIST_LAST, "snow_list_last", "w:p")                                                            \
  X(LIST_GET, "snow_list_get", "w:pw")                                                             \
  X(LIST_NTH, "snow_list_nth", "w:pw")                                                             \
  X(LIST_APPEND, "snow_list_append", "p:pww")                                                      \
  X(LIST_CONCAT, "snow_list_concat", "p:ppw")                                                      \
  X(LIST_REVERSE, "snow_list_reverse", "p:pw")                                                     \
  X(LIST_TAKE, "snow_list_take", "p:pww")                                                          \
  X(LIST_DROP, "snow_list_drop", "p:pw")                                                           \
  X(LIST_MAP, "snow_list_map", "p:ppw")                                                            \
  X(LIST_FILTER, "snow_list_filter", "p:ppw")                                                      \
  X(LIST_REDUCE, "snow_list_reduce", "w:pwp")                                                      \
  X(LIST_SORT, "snow_list_sort", "p:ppw")                                                          \
  X(LIST_FIND, "snow_list_find", "w:ppw")                                                          \
  X(LIST_ANY, "snow_list_any", "w:pp")                                                             \
  X(LIST_ALL, "snow_list_all", "w:pp")                                                             \
  X(LIST_CONTAINS, "snow_list_contains", "w:pwp")                                                  \
  X(LIST_ZIP, "snow_list_zip", "p:ppww")                                                           \
  X(LIST_ENUMERATE, "snow_list_enumerate", "p:pw")                                                 \
  X(LIST_FLAT_MAP, "snow_list_flat_map", "p:ppw")                                                  \
  X(LIST_FLATTEN, "snow_list_flatten", "p:pw")                                                     \
  X(LIST_EQ, "snow_list_eq", "w:ppp")                                                              \
  X(LIST_CMP, "snow_list_cmp", "w:ppp")                                                            \
  X(LIST_TO_STRING, "snow_list_to_string", "p:pp")

typedef enum RtId {
#define RT_ENUM_(id, sym, sig) RT_##id,
  SNOW_RT_DECLS(RT_ENUM_)
#undef RT_ENUM_
      RT__COUNT
} RtId;

typedef struct RtDecl {
  const char *symbol;
  const char *signature;
} RtDecl;

/* rt_decls[id] for every RtId (defined in rt_decls.c). */
extern const RtDecl rt_decls[RT__COUNT];

#endif
