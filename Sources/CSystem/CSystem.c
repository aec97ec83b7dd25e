#define _GNU_SOURCE
#include "CSystem.h"
#include <errno.h>

const uint32_t TL_EPOLLIN = EPOLLIN;
const uint32_t TL_EPOLLOUT = EPOLLOUT;
const uint32_t TL_EPOLLERR = EPOLLERR;
const uint32_t TL_EPOLLHUP = EPOLLHUP;
const uint32_t TL_EPOLLRDHUP = EPOLLRDHUP;
const uint32_t TL_EPOLLONESHOT = EPOLLONESHOT;
const int TL_EPOLL_CTL_ADD = EPOLL_CTL_ADD;
const int TL_EPOLL_CTL_MOD = EPOLL_CTL_MOD;
const int TL_EPOLL_CTL_DEL = EPOLL_CTL_DEL;

int tl_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int tl_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}

int tl_epoll_wait(int epfd, uint32_t *events, uint64_t *data, int max, int timeout_ms) {
    struct epoll_event evs[256];
    if (max > 256) max = 256;
    int n;
    do {
        n = epoll_wait(epfd, evs, max, timeout_ms);
    } while (n < 0 && errno == EINTR);
    for (int i = 0; i < n; i++) {
        events[i] = evs[i].events;
        data[i] = evs[i].data.u64;
    }
    return n;
}

int tl_accept4(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int tl_eventfd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}
