/* reason.c — exit reasons as C data and as Snow ExitReason values, their
 * Display form, and freeing mailbox entries (proc.h, concurrency.md §10.1).
 *
 * ExitReason values (snow_rt.h): Normal 0 .. NoConnection 4 are immediates;
 * Error(String) and Custom(String) are RECORDs with tag 5 / 6 and one
 * pointer field. */
#include "proc.h"

#include "../core/gc.h"
#include "../core/text.h"

#include <stdlib.h>
#include <string.h>

static char *dup_bytes(const char *s, size_t n) {
  char *t = malloc(n + 1);
  if (!t) snow_fatal_oom();
  memcpy(t, s, n);
  t[n] = 0;
  return t;
}

static int has_text(int code) { return code == SNOW_REASON_ERROR || code == SNOW_REASON_CUSTOM; }

SnowReason snow_reason_make(int code, const char *text) {
  SnowReason r = {code, NULL};
  if (has_text(code)) r.text = dup_bytes(text ? text : "", text ? strlen(text) : 0);
  return r;
}

SnowReason snow_reason_copy(const SnowReason *r) { return snow_reason_make(r->code, r->text); }

void snow_reason_free(SnowReason *r) {
  free(r->text);
  r->text = NULL;
}

SnowWord snow_reason_to_value(const SnowReason *r) {
  if (!has_text(r->code)) return (SnowWord)r->code;
  SnowObj *volatile s = snow_string_new(r->text, strlen(r->text));
  SnowWord field = (SnowWord)s;
  return (SnowWord)snow_record((uint32_t)r->code, 1, 1, &field);
}

SnowReason snow_reason_from_value(SnowWord v) {
  if (v < SNOW_IMMEDIATE_LIMIT) {
    SnowReason r = {(int)v, NULL};
    if (r.code < 0 || r.code > SNOW_REASON_NOCONNECTION) r.code = SNOW_REASON_NORMAL;
    return r;
  }
  SnowObj *o = (SnowObj *)v;
  SnowReason r = {o->tag == SNOW_REASON_CUSTOM ? SNOW_REASON_CUSTOM : SNOW_REASON_ERROR, NULL};
  SnowObj *s = (SnowObj *)SNOW_PAYLOAD(o)[0];
  r.text = dup_bytes(snow_str_bytes(s), snow_str_len(s));
  return r;
}

static const char *const reason_names[] = {"normal", "shutdown", "killed", "noproc",
                                           "noconnection"};

char *snow_reason_display(const SnowReason *r) {
  if (has_text(r->code)) return dup_bytes(r->text, strlen(r->text));
  int c = r->code >= 0 && r->code <= SNOW_REASON_NOCONNECTION ? r->code : 0;
  return dup_bytes(reason_names[c], strlen(reason_names[c]));
}

SnowObj *snow_exit_reason_to_string(SnowWord reason) {
  if (reason < SNOW_IMMEDIATE_LIMIT) {
    int c = reason <= SNOW_REASON_NOCONNECTION ? (int)reason : 0;
    return snow_string_new(reason_names[c], strlen(reason_names[c]));
  }
  SnowObj *s = (SnowObj *)SNOW_PAYLOAD((SnowObj *)reason)[0];
  return snow_string_new(snow_str_bytes(s), snow_str_len(s));
}

void snow_entry_free(SnowMessage *m) {
  if (!m) return;
  if (m->tag == SNOW_ENTRY_SIGNAL) snow_reason_free(&((SnowSignal *)(void *)m->data)->reason);
  snow_message_free(m);
}
