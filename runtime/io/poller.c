/* poller.c — the epoll poller; contract in poller.h.
 *
 * Runtime state (documented global): one epoll instance, one poller thread
 * and a table of waiter slots under a mutex. A registration carries
 * (generation << 32 | slot index) as its epoll data, so an event for a slot
 * that has since been withdrawn and reused is recognised as stale and
 * ignored. A slot is allocated and freed only by its waiting process (also
 * on timeout and exit signals), so the poller thread never sees a freed
 * process: the slot holds a reference to it until it is freed. */
#include "poller.h"

#include "../actor/process.h"
#include "../actor/proc_internal.h"
#include "../core/panic.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/epoll.h>

typedef struct {
  uint32_t generation;
  int in_use;
  int fired;
  int fd;
  int requested; /* SNOW_POLL_* */
  int ready;     /* SNOW_POLL_* once fired */
  SnowProcess *proc;
} WaiterSlot;

static struct {
  pthread_once_t once;
  pthread_mutex_t lock;
  int epfd;
  WaiterSlot *slots;
  uint32_t count, cap;
} P = {PTHREAD_ONCE_INIT, PTHREAD_MUTEX_INITIALIZER, -1, NULL, 0, 0};

static int ready_events(uint32_t ev, int requested) {
  if (ev & (EPOLLERR | EPOLLHUP)) return requested;
  int r = 0;
  if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLPRI)) r |= SNOW_POLL_READ;
  if (ev & EPOLLOUT) r |= SNOW_POLL_WRITE;
  return r & requested;
}

static void fire(uint64_t data, uint32_t ev) {
  uint32_t index = (uint32_t)data, generation = (uint32_t)(data >> 32);
  pthread_mutex_lock(&P.lock);
  if (index < P.count) {
    WaiterSlot *s = &P.slots[index];
    if (s->in_use && s->generation == generation && !s->fired) {
      s->fired = 1;
      s->ready = ready_events(ev, s->requested);
      if (!s->ready) s->ready = s->requested;
      SnowProcess *p = s->proc; /* referenced by the slot, freed under P.lock */
      atomic_store(&p->external_ready, 1);
      int st = atomic_load(&p->state);
      if (st == PROC_WAITING_TIMER) snow_process_wake(p, PROC_WAITING_TIMER, WAKE_MESSAGE);
    }
  }
  pthread_mutex_unlock(&P.lock);
}

static void *poller_thread(void *unused) {
  (void)unused;
  struct epoll_event evs[64];
  for (;;) {
    int n = epoll_wait(P.epfd, evs, 64, -1);
    for (int i = 0; i < n; i++) fire(evs[i].data.u64, evs[i].events);
  }
  return NULL;
}

static void start_poller(void) {
  P.epfd = epoll_create1(EPOLL_CLOEXEC);
  if (P.epfd < 0) snow_fatal("cannot create the epoll poller");
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t t;
  if (pthread_create(&t, &attr, poller_thread, NULL) != 0) snow_fatal("cannot start the poller thread");
  pthread_attr_destroy(&attr);
}

/* Under P.lock: a free slot index (grows the table). */
static uint32_t slot_alloc_locked(void) {
  for (uint32_t i = 0; i < P.count; i++)
    if (!P.slots[i].in_use) return i;
  if (P.count == P.cap) {
    uint32_t cap = P.cap ? P.cap * 2 : 16;
    WaiterSlot *grown = realloc(P.slots, cap * sizeof *grown);
    if (!grown) snow_fatal("out of memory");
    P.slots = grown;
    P.cap = cap;
  }
  P.slots[P.count] = (WaiterSlot){0};
  return P.count++;
}

static int plain_poll(int fd, int events, int64_t timeout_ms) {
  struct pollfd pfd = {fd, (short)((events & SNOW_POLL_READ ? POLLIN : 0) | (events & SNOW_POLL_WRITE ? POLLOUT : 0)), 0};
  int ms = timeout_ms < 0 ? -1 : timeout_ms > 2000000000 ? 2000000000 : (int)timeout_ms;
  int n;
  do n = poll(&pfd, 1, ms);
  while (n < 0 && errno == EINTR);
  if (n < 0) return -1;
  if (n == 0) return 0;
  if (pfd.revents & POLLNVAL) {
    errno = EBADF;
    return -1;
  }
  if (pfd.revents & (POLLERR | POLLHUP)) return events;
  int r = 0;
  if (pfd.revents & (POLLIN | POLLPRI)) r |= SNOW_POLL_READ;
  if (pfd.revents & POLLOUT) r |= SNOW_POLL_WRITE;
  return r & events;
}

/* Whether a wait ended for good: readiness, or its deadline passed. */
static int wait_over(int result, uint64_t deadline) {
  return result > 0 || (deadline && snow_clock_ns() >= deadline);
}

int snow_poll_wait(int fd, int events, int64_t timeout_ms) {
  if (fd < 0 || events <= 0 || (events & ~(SNOW_POLL_READ | SNOW_POLL_WRITE))) {
    errno = fd < 0 ? EBADF : EINVAL;
    return -1;
  }
  SnowProcess *p = snow_process_self();
  if (!p || timeout_ms == 0) return plain_poll(fd, events, timeout_ms);
  snow_ps_check_exit(p);
  pthread_once(&P.once, start_poller);

  pthread_mutex_lock(&P.lock);
  uint32_t index = slot_alloc_locked();
  WaiterSlot *s = &P.slots[index];
  uint32_t generation = s->generation + 1;
  *s = (WaiterSlot){generation, 1, 0, fd, events, 0, p};
  atomic_store(&p->external_ready, 0);
  struct epoll_event ev = {0};
  ev.events = EPOLLONESHOT | EPOLLRDHUP | (events & SNOW_POLL_READ ? EPOLLIN : 0) | (events & SNOW_POLL_WRITE ? EPOLLOUT : 0);
  ev.data.u64 = (uint64_t)generation << 32 | index;
  if (epoll_ctl(P.epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
    int err = errno;
    s->in_use = 0;
    pthread_mutex_unlock(&P.lock);
    if (err == EPERM) return events; /* a regular file: always ready */
    errno = err;
    return -1;
  }
  atomic_fetch_add(&p->refs, 1); /* the slot's reference */
  snow_external_begin();
  pthread_mutex_unlock(&P.lock);

  uint64_t deadline = timeout_ms > 0 ? snow_clock_ns() + (uint64_t)timeout_ms * 1000000u : 0;
  for (;;) {
    if (atomic_load(&p->external_ready)) break;
    if (atomic_load(&p->ps.exit_pending)) break;
    if (deadline && snow_clock_ns() >= deadline) break;
    p->block_deadline = deadline;
    snow_sched_suspend(p, INTENT_BLOCK_TIMER);
    p = snow_process_self();
    if (p->wake_reason == WAKE_TIMEOUT) {
      if (!atomic_load(&p->external_ready)) break;
    } else {
      snow_timer_cancel(&p->timer); /* woken early: readiness or a signal */
    }
  }

  /* Withdraw the registration (also after firing: one-shot leaves it in
   * the set, disabled) and free the slot. */
  pthread_mutex_lock(&P.lock);
  s = &P.slots[index]; /* the table may have moved */
  int result = s->fired ? s->ready : 0;
  epoll_ctl(P.epfd, EPOLL_CTL_DEL, fd, NULL); /* fails harmlessly if fd was closed */
  s->in_use = 0;
  s->proc = NULL;
  pthread_mutex_unlock(&P.lock);
  snow_process_release(p);
  snow_external_end();
  int interrupted = !wait_over(result, deadline);
  snow_ps_check_exit(p);
  if (interrupted) { /* the signal did not end us (e.g. we are already
                      * terminating): wait again for what is left */
    int64_t left = -1;
    if (deadline) {
      uint64_t now = snow_clock_ns();
      if (now >= deadline) return 0;
      left = (int64_t)((deadline - now + 999999u) / 1000000u);
    }
    return snow_poll_wait(fd, events, left);
  }
  return result;
}
