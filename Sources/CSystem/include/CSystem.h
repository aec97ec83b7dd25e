#ifndef TIDELINE_CSYSTEM_H
#define TIDELINE_CSYSTEM_H

// Linux calls that Swift's Glibc module does not export: epoll, accept4, eventfd.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/file.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>

int tl_epoll_create(void);
int tl_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/// Waits for events; fills parallel arrays with each event's mask and data. Returns the count.
int tl_epoll_wait(int epfd, uint32_t *events, uint64_t *data, int max, int timeout_ms);
int tl_accept4(int fd, struct sockaddr *addr, socklen_t *len);
int tl_eventfd(void);

extern const uint32_t TL_EPOLLIN;
extern const uint32_t TL_EPOLLOUT;
extern const uint32_t TL_EPOLLERR;
extern const uint32_t TL_EPOLLHUP;
extern const uint32_t TL_EPOLLRDHUP;
extern const uint32_t TL_EPOLLONESHOT;
extern const int TL_EPOLL_CTL_ADD;
extern const int TL_EPOLL_CTL_MOD;
extern const int TL_EPOLL_CTL_DEL;

#endif
