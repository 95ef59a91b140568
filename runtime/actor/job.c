/* job.c — jobs (concurrency.md §14): snow_job_async, snow_job_await and
 * snow_job_map of snow_rt.h's "processes area".
 *
 * Contract.
 * - snow_job_async packs the closure (copy.h), creates the job J (a
 *   C-bodied process, declared type NULL), makes the caller J's owner
 *   (snow_proc_own: the owner's death kills J), monitors J and records
 *   (J -> owner, monitor) in the job table. J takes the closure from a
 *   start entry the owner posts to it, unpacks it into its
 *   own heap, evaluates it (snow_call0; Job.map's jobs snow_call1(f, x)),
 *   builds Ok(v) there and posts it packed to the owner as a JOB_RESULT
 *   entry with ref = J, then ends Normal. An exit hook of J posts a failure
 *   outcome instead when J ends any other way without having posted its
 *   value: the Display of the reason (the panic message for Error(m), s for
 *   Custom(s), "shutdown", "normal"). Exit hooks do not run for Killed (nor
 *   for an exit signal taking effect before J's body registered its hook),
 *   so a Down of the monitor that arrives with no JOB_RESULT before it (O3:
 *   J's entries precede its Down) reports the Down's reason ("killed" for
 *   NoProc: only a kill can end J before the monitor exists).
 * - snow_job_await(J, ms): no table entry -> Err("noproc") (never a job,
 *   or its outcome was consumed); an entry of another owner -> Err("not
 *   owner") while J is alive, else Err("noproc"). Otherwise waits (ms < 0:
 *   forever; 0: poll) for J's JOB_RESULT or the monitor's Down, consuming
 *   only those: Ok(v) unpacked into the caller's heap, Err(message) for a
 *   failure or a Down alone, Err("timeout") when nothing
 *   came in time (the job keeps running, its entry stays). Once the outcome
 *   is consumed the monitor is cancelled, a Down already queued for it is
 *   removed, the table entry deleted and the job disowned.
 * - snow_job_map: one job per element, all started before the first await,
 *   results in input order (a List of Result records); a failing element
 *   affects no other.
 * Results are Result values: Ok = RECORD tag 0, Err = RECORD tag 1 with one
 * STRING field.
 * Ownership. The job table (documented runtime state, one mutex) owns its
 * entries; entries of owners that died without awaiting are swept when the
 * table grows. The closure travels in a start entry (REQUEST) in the job's
 * mailbox, and the exit hook needs no memory of its own, so a job killed at
 * any point leaks nothing. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/gc.h"
#include "../core/list.h"
#include "copy.h"
#include "proc.h"

/* JOB_RESULT data: a status word, then (OK) the packed Ok record or
 * (FAILED) the NUL-terminated failure text. */
enum { OUTCOME_OK, OUTCOME_FAILED };

/* ---- the job table: job PID -> (owner, monitor) ---- */

typedef struct JobEntry {
  SnowPid job, owner;
  int64_t monitor;
  struct JobEntry *next;
} JobEntry;

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static JobEntry **job_buckets; /* chained; power-of-two count */
static size_t job_bucket_count, job_count;

static size_t bucket_of(SnowPid pid, size_t count) {
  return (size_t)((pid * 0x9E3779B97F4A7C15ull) >> 32) & (count - 1);
}

/* Drops entries whose owner is dead (their outcome can never be awaited). */
static void sweep_orphans(void) {
  for (size_t b = 0; b < job_bucket_count; b++)
    for (JobEntry **p = &job_buckets[b]; *p;) {
      if (!snow_proc_is_alive((*p)->owner)) {
        JobEntry *dead = *p;
        *p = dead->next;
        free(dead);
        job_count--;
      } else {
        p = &(*p)->next;
      }
    }
}

static void rehash(size_t count) {
  JobEntry **buckets = calloc(count, sizeof *buckets);
  if (!buckets) snow_fatal_oom();
  for (size_t b = 0; b < job_bucket_count; b++)
    for (JobEntry *e = job_buckets[b], *next; e; e = next) {
      next = e->next;
      size_t i = bucket_of(e->job, count);
      e->next = buckets[i];
      buckets[i] = e;
    }
  free(job_buckets);
  job_buckets = buckets;
  job_bucket_count = count;
}

static void table_add(SnowPid job, SnowPid owner, int64_t monitor) {
  JobEntry *e = malloc(sizeof *e);
  if (!e) snow_fatal_oom();
  e->job = job;
  e->owner = owner;
  e->monitor = monitor;
  pthread_mutex_lock(&jobs_lock);
  if (job_count + 1 > job_bucket_count) {
    sweep_orphans();
    if (job_count + 1 > job_bucket_count / 2)
      rehash(job_bucket_count ? job_bucket_count * 2 : 64);
  }
  size_t i = bucket_of(job, job_bucket_count);
  e->next = job_buckets[i];
  job_buckets[i] = e;
  job_count++;
  pthread_mutex_unlock(&jobs_lock);
}

/* Copies the entry of `job` into *out; 0 when there is none. */
static int table_find(SnowPid job, JobEntry *out) {
  int found = 0;
  pthread_mutex_lock(&jobs_lock);
  if (job_bucket_count)
    for (JobEntry *e = job_buckets[bucket_of(job, job_bucket_count)]; e; e = e->next)
      if (e->job == job) {
        *out = *e;
        found = 1;
        break;
      }
  pthread_mutex_unlock(&jobs_lock);
  return found;
}

static void table_remove(SnowPid job) {
  pthread_mutex_lock(&jobs_lock);
  if (job_bucket_count)
    for (JobEntry **p = &job_buckets[bucket_of(job, job_bucket_count)]; *p; p = &(*p)->next)
      if ((*p)->job == job) {
        JobEntry *e = *p;
        *p = e->next;
        free(e);
        job_count--;
        break;
      }
  pthread_mutex_unlock(&jobs_lock);
}

/* ---- the job process ---- */

/* Header of the start entry (a REQUEST the owner posts right after the
 * spawn; the packed closure and element follow). Passing it through the
 * mailbox rather than as the body's argument means nothing leaks when the
 * job is killed before its body runs: the runtime frees the mailbox. */
typedef struct JobStart {
  SnowPid owner;
  int64_t with_arg;      /* 1: Job.map's f(x); 0: f() */
  int64_t result_is_ptr;
} JobStart;

/* Documented runtime state: the job whose body has just posted its value,
 * per worker thread. The body sets it as its last action and the job's exit
 * hook reads it right after, on the same thread (nothing can suspend the
 * process in between), so no per-job memory is needed to tell the hook that
 * there is nothing left to report. */
static _Thread_local SnowPid value_posted_by = SNOW_NO_PID;

static void post_failure(SnowPid owner, const char *text) {
  size_t len = strlen(text) + 1;
  SnowMessage *m = snow_message_new(SNOW_ENTRY_JOB_RESULT, 8 + len);
  m->ref = snow_self();
  m->type = NULL;
  uint64_t status = OUTCOME_FAILED;
  memcpy(m->data, &status, 8);
  memcpy(m->data + 8, text, len);
  snow_proc_post(owner, m);
}

/* ctx: the owner's PID. */
static void job_exit_hook(const SnowReason *r, void *ctx) {
  if (value_posted_by == snow_self()) {
    value_posted_by = SNOW_NO_PID;
    return;
  }
  char *text = snow_reason_display(r);
  post_failure((SnowPid)(uintptr_t)ctx, text);
  free(text);
}

static int match_request(const SnowMessage *m, void *ctx) {
  (void)ctx;
  return m->tag == SNOW_ENTRY_REQUEST;
}

static void job_body(void *arg) {
  (void)arg;
  SnowMessage *start = snow_proc_wait(match_request, NULL, -1);
  JobStart s;
  memcpy(&s, start->data, sizeof s);
  snow_proc_on_exit(job_exit_hook, (void *)(uintptr_t)s.owner);
  volatile SnowWord w[2] = {0, 0};
  snow_copy_unpack(start, sizeof s, (SnowWord *)w, s.with_arg ? 2 : 1);
  snow_entry_free(start);
  SnowWord v = s.with_arg ? snow_call1((SnowObj *)w[0], w[1]) : snow_call0((SnowObj *)w[0]);
  SnowObj *volatile ok = snow_record(0, s.result_is_ptr ? 1 : 0, 1, &v);
  SnowWord okw = (SnowWord)ok;
  SnowMessage *m = snow_copy_pack(&okw, 1, 1, 8);
  uint64_t status = OUTCOME_OK;
  memcpy(m->data, &status, 8);
  m->tag = SNOW_ENTRY_JOB_RESULT;
  m->ref = snow_self();
  snow_proc_post(s.owner, m);
  value_posted_by = snow_self();
}

static SnowPid start_job(SnowObj *closure, SnowWord x, int with_arg, int64_t x_is_ptr,
                         int64_t result_is_ptr) {
  JobStart s = {snow_self(), with_arg, result_is_ptr};
  SnowWord w[2] = {(SnowWord)closure, x};
  SnowMessage *start = snow_copy_pack(w, 1 | (x_is_ptr ? 2 : 0), with_arg ? 2 : 1, sizeof s);
  memcpy(start->data, &s, sizeof s);
  start->tag = SNOW_ENTRY_REQUEST;
  SnowProcOptions opts = {.declared_type = NULL, .trap_exit = 0};
  SnowPid pid = snow_proc_spawn(job_body, NULL, &opts);
  snow_proc_post(pid, start);
  snow_proc_own(pid);
  table_add(pid, snow_self(), snow_monitor((SnowWord)pid));
  return pid;
}

SnowWord snow_job_async(SnowObj *closure, int64_t result_is_ptr) {
  return (SnowWord)start_job(closure, 0, 0, 0, result_is_ptr);
}

/* ---- awaiting ---- */

/* Err(text) in the current heap. */
static SnowWord err_result(const char *text) {
  SnowWord s = (SnowWord)snow_string_new(text, strlen(text));
  return (SnowWord)snow_record(1, 1, 1, &s); /* s is on the stack meanwhile */
}

typedef struct OutcomeKey {
  SnowPid job;
  int64_t monitor;
} OutcomeKey;

static int is_down_of(const SnowMessage *m, int64_t monitor) {
  if (m->tag != SNOW_ENTRY_SIGNAL) return 0;
  const SnowSignal *s = (const SnowSignal *)m->data;
  return s->kind == SNOW_SIGNAL_DOWN && s->ref == monitor;
}

static int match_outcome(const SnowMessage *m, void *ctx) {
  const OutcomeKey *k = ctx;
  return (m->tag == SNOW_ENTRY_JOB_RESULT && m->ref == k->job) || is_down_of(m, k->monitor);
}

static int match_down(const SnowMessage *m, void *ctx) {
  return is_down_of(m, *(const int64_t *)ctx);
}

/* Job.await; disown: whether to drop the ownership record once the
 * outcome is consumed (Job.map does it in bulk). */
static SnowWord await_outcome(SnowPid job, int64_t timeout_ms, int disown) {
  JobEntry e;
  if (!table_find(job, &e)) return err_result("noproc");
  if (e.owner != snow_self())
    return err_result(snow_proc_is_alive(job) ? "not owner" : "noproc");
  OutcomeKey key = {job, e.monitor};
  SnowMessage *m = snow_proc_wait(match_outcome, &key, timeout_ms < 0 ? -1 : timeout_ms);
  if (!m) return err_result("timeout");
  table_remove(job);
  if (disown) snow_proc_disown(job); /* owned records: only jobs in flight */
  if (m->tag == SNOW_ENTRY_SIGNAL) { /* a Down with no outcome before it */
    const SnowReason *why = &((const SnowSignal *)m->data)->reason;
    /* NoProc: the job was gone before the monitor existed, which only a
     * kill can do (any other end posts an outcome first) */
    char *text = why->code == SNOW_REASON_NOPROC ? NULL : snow_reason_display(why);
    snow_entry_free(m);
    SnowWord result = err_result(text ? text : "killed");
    free(text);
    return result;
  }
  snow_demonitor(e.monitor);
  /* still alive after the cancellation: the monitor never fired */
  SnowMessage *down = snow_proc_is_alive(job) ? NULL : snow_proc_wait(match_down, &e.monitor, 0);
  if (down) snow_entry_free(down);
  uint64_t status;
  memcpy(&status, m->data, 8);
  volatile SnowWord result = 0;
  if (status == OUTCOME_OK) {
    snow_copy_unpack(m, 8, (SnowWord *)&result, 1);
    snow_entry_free(m);
  } else {
    result = err_result((const char *)m->data + 8);
    snow_entry_free(m);
  }
  return result;
}

SnowWord snow_job_await(SnowWord job, int64_t timeout_ms) {
  return await_outcome((SnowPid)job, timeout_ms, 1);
}

SnowObj *snow_job_map(SnowObj *list, SnowObj *closure, int64_t elems_are_ptrs,
                      int64_t result_is_ptr) {
  SnowObj *volatile xs = list;
  SnowObj *volatile f = closure;
  int64_t n = snow_list_length(xs);
  SnowPid *jobs = malloc((size_t)(n ? n : 1) * sizeof *jobs);
  if (!jobs) snow_fatal_oom();
  for (int64_t i = 0; i < n; i++)
    jobs[i] = start_job(f, snow_list_at(xs, i), 1, elems_are_ptrs, result_is_ptr);
  /* Awaited in input order: outcomes arrive roughly in start order, so
   * each wanted entry is near the front of the mailbox. */
  SnowObj *volatile items = snow_array_new((uint64_t)n, 1);
  for (int64_t i = 0; i < n; i++) {
    SnowWord r = await_outcome(jobs[i], -1, 0);
    SNOW_PAYLOAD(items)[i] = r;
    snow_gc_write_barrier(items); /* items is older than r */
  }
  /* Disowned in the order 0, n-1, n-2, ..., 1: each is then the oldest
   * record left (proc.c keeps them in an array searched from the start,
   * removal swapping in the last), so each removal is O(1), not O(n). */
  for (int64_t k = 0; k < n; k++) snow_proc_disown(jobs[k == 0 ? 0 : n - k]);
  free(jobs);
  return snow_list_view(items, 0, (uint64_t)n);
}
