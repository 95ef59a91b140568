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

/* The ELF section of every generated function: SNOW_CODE_SECTION of
 * runtime/include/snow_rt.h (test_codegen checks they agree). */
#define SNOW_RT_CODE_SECTION "snow_code"

#define SNOW_RT_DECLS(X)                                                                           \
  X(MAIN, "snow_rt_main", "i:ipp")                                                                 \
  X(ALLOC, "snow_alloc", "p:iiiw")                                                                 \
  X(RECORD, "snow_record", "p:iwip")                                                               \
  X(CURRENT_HEAP, "snow_current_heap_window", "p:") /* speed area: inline allocation */      \
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
  X(LIST_TO_STRING, "snow_list_to_string", "p:pp")                                                 \
  /* text and system library: String, Math, IO, Env, File (stdlib.md §3-§7) */                   \
  X(STRING_SLICE, "snow_string_slice", "p:pww")                                                    \
  X(STRING_CONTAINS, "snow_string_contains", "w:pp")                                               \
  X(STRING_STARTS_WITH, "snow_string_starts_with", "w:pp")                                         \
  X(STRING_ENDS_WITH, "snow_string_ends_with", "w:pp")                                             \
  X(STRING_TRIM, "snow_string_trim", "p:p")                                                        \
  X(STRING_TO_UPPER, "snow_string_to_upper", "p:p")                                                \
  X(STRING_TO_LOWER, "snow_string_to_lower", "p:p")                                                \
  X(STRING_REPLACE, "snow_string_replace", "p:ppp")                                                \
  X(STRING_SPLIT, "snow_string_split", "p:pp")                                                     \
  X(STRING_JOIN, "snow_string_join", "p:pp")                                                       \
  X(STRING_TO_INT, "snow_string_to_int", "w:p")                                                    \
  X(STRING_TO_FLOAT, "snow_string_to_float", "w:p")                                                \
  X(MATH_ABS_INT, "snow_math_abs_int", "w:w")                                                      \
  X(MATH_ABS_FLOAT, "snow_math_abs_float", "d:d")                                                  \
  X(MATH_MIN_INT, "snow_math_min_int", "w:ww")                                                     \
  X(MATH_MAX_INT, "snow_math_max_int", "w:ww")                                                     \
  X(MATH_MIN_FLOAT, "snow_math_min_float", "d:dd")                                                 \
  X(MATH_MAX_FLOAT, "snow_math_max_float", "d:dd")                                                 \
  X(MATH_POW, "snow_math_pow", "d:dd")                                                             \
  X(MATH_SQRT, "snow_math_sqrt", "d:d")                                                            \
  X(MATH_FLOOR, "snow_math_floor", "w:d")                                                          \
  X(MATH_CEIL, "snow_math_ceil", "w:d")                                                            \
  X(MATH_ROUND, "snow_math_round", "w:d")                                                          \
  X(IO_READ_LINE, "snow_io_read_line", "w:")                                                       \
  X(ENV_GET, "snow_env_get", "w:p")                                                                \
  X(ENV_ARGS, "snow_env_args", "p:")                                                               \
  X(FILE_READ, "snow_file_read", "w:p")                                                            \
  X(FILE_WRITE, "snow_file_write", "w:pp")                                                         \
  X(FILE_APPEND, "snow_file_append", "w:pp")                                                       \
  X(FILE_EXISTS, "snow_file_exists", "w:p")                                                        \
  X(FILE_DELETE, "snow_file_delete", "w:p")                                                        \
  /* loops area: `for` comprehensions collect into a growable builder */                          \
  X(LIST_BUILDER_NEW, "snow_list_builder_new", "p:w")                                              \
  X(LIST_BUILDER_PUSH, "snow_list_builder_push", "v:pw")                                           \
  X(LIST_BUILDER_FINISH, "snow_list_builder_finish", "p:p")                                        \
  /* collections area: Map, Set, Range, Queue, Tuple (stdlib.md §9-§13) */                         \
  X(MAP_NEW, "snow_map_new", "p:w")                                                                \
  X(MAP_SIZE, "snow_map_size", "w:p")                                                              \
  X(MAP_KEY_AT, "snow_map_key_at", "w:pw")                                                         \
  X(MAP_VALUE_AT, "snow_map_value_at", "w:pw")                                                     \
  X(MAP_PUT, "snow_map_put", "p:pwwpp")                                                            \
  X(MAP_GET, "snow_map_get", "w:pwpp")                                                             \
  X(MAP_GET_OR, "snow_map_get_or", "w:pwppw")                                                      \
  X(MAP_HAS_KEY, "snow_map_has_key", "w:pwpp")                                                     \
  X(MAP_DELETE, "snow_map_delete", "p:pwpp")                                                       \
  X(MAP_KEYS, "snow_map_keys", "p:p")                                                              \
  X(MAP_VALUES, "snow_map_values", "p:p")                                                          \
  X(MAP_MERGE, "snow_map_merge", "p:pppp")                                                         \
  X(MAP_TO_LIST, "snow_map_to_list", "p:p")                                                        \
  X(MAP_FROM_LIST, "snow_map_from_list", "p:pwpp")                                                 \
  X(MAP_TO_STRING, "snow_map_to_string", "p:ppp")                                                  \
  X(SET_NEW, "snow_set_new", "p:")                                                                 \
  X(SET_SIZE, "snow_set_size", "w:p")                                                              \
  X(SET_AT, "snow_set_at", "w:pw")                                                                 \
  X(SET_ADD, "snow_set_add", "p:pw")                                                               \
  X(SET_REMOVE, "snow_set_remove", "p:pw")                                                         \
  X(SET_CONTAINS, "snow_set_contains", "w:pw")                                                     \
  X(SET_UNION, "snow_set_union", "p:pp")                                                           \
  X(SET_INTERSECTION, "snow_set_intersection", "p:pp")                                             \
  X(SET_DIFFERENCE, "snow_set_difference", "p:pp")                                                 \
  X(SET_TO_LIST, "snow_set_to_list", "p:p")                                                        \
  X(SET_FROM_LIST, "snow_set_from_list", "p:p")                                                    \
  X(SET_TO_STRING, "snow_set_to_string", "p:p")                                                    \
  X(RANGE_NEW, "snow_range_new", "p:ww")                                                           \
  X(RANGE_TO_LIST, "snow_range_to_list", "p:p")                                                    \
  X(RANGE_MAP, "snow_range_map", "p:ppw")                                                          \
  X(RANGE_FILTER, "snow_range_filter", "p:pp")                                                     \
  X(RANGE_LENGTH, "snow_range_length", "w:p")                                                      \
  X(QUEUE_NEW, "snow_queue_new", "p:")                                                             \
  X(QUEUE_PUSH, "snow_queue_push", "p:pw")                                                         \
  X(QUEUE_POP, "snow_queue_pop", "p:p")                                                            \
  X(QUEUE_PEEK, "snow_queue_peek", "w:p")                                                          \
  X(QUEUE_SIZE, "snow_queue_size", "w:p")                                                          \
  X(QUEUE_IS_EMPTY, "snow_queue_is_empty", "w:p")                                                  \
  X(TUPLE_NTH, "snow_tuple_nth", "w:pww")                                                          \
  /* json area: dynamic Json values (stdlib.md §15) */                                            \
  X(JSON_PARSE, "snow_json_parse", "p:p")                                                          \
  X(JSON_ENCODE, "snow_json_encode", "p:p")                                                        \
  X(JSON_ENCODE_STRING, "snow_json_encode_string", "p:p")                                          \
  X(JSON_ENCODE_LIST, "snow_json_encode_list", "p:p")                                              \
  X(JSON_KIND, "snow_json_kind", "p:p")                                                            \
  X(JSON_GET, "snow_json_get", "w:pp")                                                             \
  X(JSON_AT, "snow_json_at", "w:pw")                                                               \
  X(JSON_KEYS, "snow_json_keys", "p:p")                                                            \
  X(JSON_LENGTH, "snow_json_length", "w:p")                                                        \
  X(JSON_AS_INT, "snow_json_as_int", "w:p")                                                        \
  X(JSON_AS_FLOAT, "snow_json_as_float", "w:p")                                                    \
  X(JSON_AS_STRING, "snow_json_as_string", "w:p")                                                  \
  X(JSON_AS_BOOL, "snow_json_as_bool", "w:p")                                                      \
  X(JSON_IS_NULL, "snow_json_is_null", "w:p")                                                      \
  X(JSON_NULL, "snow_json_null", "p:")                                                             \
  X(JSON_FROM_INT, "snow_json_from_int", "p:w")                                                    \
  X(JSON_FROM_FLOAT, "snow_json_from_float", "p:d")                                                \
  X(JSON_FROM_BOOL, "snow_json_from_bool", "p:w")                                                  \
  X(JSON_FROM_STRING, "snow_json_from_string", "p:p")                                              \
  X(JSON_ARRAY, "snow_json_array", "p:p")                                                          \
  X(JSON_OBJECT, "snow_json_object", "p:p")                                                        \
  X(JSON_EQ, "snow_json_eq", "w:ww")                                                               \
  X(JSON_HASH, "snow_json_hash", "w:w")                                                            \
  X(JSON_ARRAY_MAP, "snow_json_array_map", "p:pp")                                                 \
  X(JSON_DECODE_INT, "snow_json_decode_int", "p:p")                                                \
  X(JSON_DECODE_FLOAT, "snow_json_decode_float", "p:p")                                            \
  X(JSON_DECODE_BOOL, "snow_json_decode_bool", "p:p")                                              \
  X(JSON_DECODE_STRING, "snow_json_decode_string", "p:p")                                          \
  X(JSON_DECODE_LIST, "snow_json_decode_list", "p:ppw")                                            \
  X(JSON_EXPECT_OBJECT, "snow_json_expect_object", "p:p")                                          \
  X(JSON_DECODE_FIELD, "snow_json_decode_field", "p:pppw")                                         \
  X(JSON_VARIANT_INDEX, "snow_json_variant_index", "p:ppp")                                        \
  X(JSON_DECODE_ELEMENT, "snow_json_decode_element", "p:pwp")                                      \
  X(JSON_OBJECT_FROM_MAP, "snow_json_object_from_map", "p:pp")                                     \
  X(JSON_DECODE_MAP, "snow_json_decode_map", "p:ppwpp")                                          \
  /* services and jobs area, compiler side (concurrency.md §13, §14) */                            \
  X(SERVICE_START, "snow_service_start", "w:ppwpw")                                                \
  X(SERVICE_CALL, "snow_service_call", "w:wwpw")                                                   \
  X(SERVICE_CAST, "snow_service_cast", "v:wwpw")                                                   \
  X(JOB_ASYNC, "snow_job_async", "w:pw")                                                           \
  X(JOB_AWAIT, "snow_job_await", "w:ww")                                                           \
  X(JOB_MAP, "snow_job_map", "p:ppww")                                                             \
  /* rows area: deriving(Row) (web-data-dist.md §5.5) */                                           \
  X(ROW_FIELD, "snow_row_field", "p:ppw")                                                          \
  /* supervisors area (concurrency.md §15; ir/lower_supervisors.c) */                               \
  X(SUPERVISOR_START, "snow_supervisor_start", "w:pwwwp")                                          \
  X(SUPERVISOR_START_CHILD, "snow_supervisor_start_child", "w:wpw")                                \
  X(SUPERVISOR_COUNT_CHILDREN, "snow_supervisor_count_children", "w:w")                            \
  X(SUPERVISOR_WHICH_CHILDREN, "snow_supervisor_which_children", "p:w")                            \
  X(SUPERVISOR_TERMINATE_CHILD, "snow_supervisor_terminate_child", "w:ww")                         \
  /* actors area, compiler side (concurrency.md §3-§12; ir/lower_actors.c) */                      \
  X(ACTOR_SPAWN, "snow_actor_spawn", "w:ppppw")                                                    \
  X(AUTOLINK_BEGIN, "snow_autolink_begin", "w:")                                                   \
  X(AUTOLINK_END, "snow_autolink_end", "v:w")                                                      \
  X(SELF_PID, "snow_self_pid", "w:")                                                               \
  X(PID_TO_STRING, "snow_pid_to_string", "p:w")                                                    \
  X(EXIT_REASON_TO_STRING, "snow_exit_reason_to_string", "p:w")                                    \
  X(SEND_MSG, "snow_send_msg", "v:wwwp")                                                           \
  X(SET_MESSAGE_TYPE, "snow_set_message_type", "v:p")                                             \
  X(RECEIVE_BEGIN, "snow_receive_begin", "v:wp")                                                   \
  X(RECEIVE_NEXT, "snow_receive_next", "w:w")                                                      \
  X(RECEIVE_VALUE, "snow_receive_value", "w:")                                                     \
  X(RECEIVE_ACCEPT, "snow_receive_accept", "v:")                                                   \
  X(LINK, "snow_link", "v:w")                                                                      \
  X(UNLINK, "snow_unlink", "v:w")                                                                  \
  X(MONITOR, "snow_monitor", "w:w")                                                                \
  X(DEMONITOR, "snow_demonitor", "v:w")                                                            \
  X(EXIT_PROCESS, "snow_exit_process", "v:ww")                                                     \
  X(TRAP_EXIT, "snow_trap_exit", "v:w")                                                            \
  X(REGISTER, "snow_register", "w:pw")                                                             \
  X(WHEREIS, "snow_whereis", "w:p")                                                                \
  X(UNREGISTER, "snow_unregister", "w:p")                                                          \
  X(IS_ALIVE, "snow_is_alive", "w:w")                                                              \
  X(TIMER_SLEEP, "snow_timer_sleep", "v:w")                                                        \
  X(TIMER_SEND_AFTER, "snow_timer_send_after", "v:wwwwp")                                          \
  X(REDUCE_SLOW, "snow_reduce_slow", "v:")                                                         \
  X(REDUCE, "snow_reduce", "v:")

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
