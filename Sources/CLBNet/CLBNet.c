// setns(2) and CLONE_NEWNET need _GNU_SOURCE, before any header.
#define _GNU_SOURCE
#include "CLBNet.h"
#include <fcntl.h>
#include <sched.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/uio.h>
#include <sys/eventfd.h>
#include <pthread.h>
// linux/if_packet.h cannot be included next to netpacket/packet.h; the fanout constants
// (stable kernel ABI) are restated.
#ifndef PACKET_FANOUT
#define PACKET_FANOUT 18
#endif
#ifndef PACKET_FANOUT_CPU
#define PACKET_FANOUT_CPU 2
#endif
#ifndef PACKET_FANOUT_FLAG_UNIQUEID
#define PACKET_FANOUT_FLAG_UNIQUEID 0x2000
#endif

int clbnet_packet_socket(void) {
    return socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int clbnet_attach_l2_filter(int fd) {
    // ldh [12]; ARP -> accept; IPv6 -> check next header [20] == 58 (ICMPv6), then
    // ICMPv6 type [54] == 135 (NS) or 136 (NA) -> accept; everything else -> drop.
    static struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_ARP, 6, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 6),
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 20),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 58, 0, 4),
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 54),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 135, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 136, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0x40000),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

int clbnet_ignore_outgoing(int fd) {
    int one = 1;
    return setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
}

int clbnet_bind(int fd, int ifindex, int protocol) {
    struct sockaddr_ll addr;
    memset(&addr, 0, sizeof(addr));
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons((uint16_t)protocol);
    addr.sll_ifindex = ifindex;
    return bind(fd, (struct sockaddr *)&addr, sizeof(addr));
}

int clbnet_multicast_membership(int fd, int ifindex, const uint8_t mac[6], int add) {
    struct packet_mreq mreq;
    memset(&mreq, 0, sizeof(mreq));
    mreq.mr_ifindex = ifindex;
    mreq.mr_type = PACKET_MR_MULTICAST;
    mreq.mr_alen = 6;
    memcpy(mreq.mr_address, mac, 6);
    return setsockopt(fd, SOL_PACKET, add ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP, &mreq, sizeof(mreq));
}

// struct tpacket_auxdata and TP_STATUS_VLAN_VALID from linux/if_packet.h (stable kernel ABI),
// restated because that header cannot be included next to net/if.h (see CLBNet.h).
struct clbnet_tpacket_auxdata {
    uint32_t tp_status;
    uint32_t tp_len;
    uint32_t tp_snaplen;
    uint16_t tp_mac;
    uint16_t tp_net;
    uint16_t tp_vlan_tci;
    uint16_t tp_vlan_tpid;
};
#define CLBNET_TP_STATUS_VLAN_VALID (1 << 4)

int clbnet_request_auxdata(int fd) {
    int one = 1;
    return setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one));
}

ssize_t clbnet_recv(int fd, void *buffer, size_t length, int *pkttype, int *vlan) {
    struct sockaddr_ll from;
    memset(&from, 0, sizeof(from));
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(struct clbnet_tpacket_auxdata))];
    } control;
    struct iovec iov = { .iov_base = buffer, .iov_len = length };
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_name = &from;
    msg.msg_namelen = sizeof(from);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof(control.buf);
    ssize_t n = recvmsg(fd, &msg, 0);
    if (n < 0) return n;
    if (pkttype) *pkttype = from.sll_pkttype;
    if (vlan) {
        *vlan = -1;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA) continue;
            if (c->cmsg_len < CMSG_LEN(sizeof(struct clbnet_tpacket_auxdata))) continue;
            struct clbnet_tpacket_auxdata aux;
            memcpy(&aux, CMSG_DATA(c), sizeof(aux));
            if (aux.tp_status & CLBNET_TP_STATUS_VLAN_VALID) *vlan = aux.tp_vlan_tci & 0x0fff;
        }
    }
    return n;
}

ssize_t clbnet_send(int fd, const void *frame, size_t length) {
    return send(fd, frame, length, 0);
}

static int ifreq_for(const char *name, struct ifreq *ifr) {
    memset(ifr, 0, sizeof(*ifr));
    if (strlen(name) >= IFNAMSIZ) { errno = ENAMETOOLONG; return -1; }
    strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
    return 0;
}

int clbnet_get_hwaddr(const char *name, uint8_t mac[6], int *hwtype) {
    struct ifreq ifr;
    if (ifreq_for(name, &ifr) < 0) return -1;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
    int saved = errno;
    close(fd);
    if (rc < 0) { errno = saved; return -1; }
    memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    if (hwtype) *hwtype = ifr.ifr_hwaddr.sa_family;
    return 0;
}

int clbnet_get_flags(const char *name, unsigned *flags) {
    struct ifreq ifr;
    if (ifreq_for(name, &ifr) < 0) return -1;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
    int saved = errno;
    close(fd);
    if (rc < 0) { errno = saved; return -1; }
    *flags = (unsigned)(unsigned short)ifr.ifr_flags;
    return 0;
}

int clbnet_netns_swap(const char *path) {
    int previous = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (previous < 0) return -1;
    int target = open(path, O_RDONLY | O_CLOEXEC);
    if (target < 0) {
        int saved = errno;
        close(previous);
        errno = saved;
        return -1;
    }
    int rc = setns(target, CLONE_NEWNET);
    int saved = errno;
    close(target);
    if (rc != 0) {
        close(previous);
        errno = saved;
        return -1;
    }
    return previous;
}

int clbnet_netns_restore(int fd) {
    int rc = setns(fd, CLONE_NEWNET);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int clbnet_enter_netns(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = setns(fd, CLONE_NEWNET);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int clbnet_fanout_cpu_join(int fd, int group, int *assigned) {
    int arg = group == 0
        ? ((PACKET_FANOUT_CPU | PACKET_FANOUT_FLAG_UNIQUEID) << 16)
        : ((PACKET_FANOUT_CPU << 16) | (group & 0xffff));
    if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) < 0) return -1;
    if (assigned) {
        int value = 0;
        socklen_t len = sizeof(value);
        if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &value, &len) < 0) return -1;
        *assigned = value & 0xffff;
    }
    return 0;
}

int clbnet_allowed_cpus(uint64_t mask[16]) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) < 0) return -1;
    memset(mask, 0, 16 * sizeof(uint64_t));
    for (int cpu = 0; cpu < 1024 && cpu < CPU_SETSIZE; cpu++) {
        if (CPU_ISSET(cpu, &set)) mask[cpu / 64] |= (uint64_t)1 << (cpu % 64);
    }
    long configured = sysconf(_SC_NPROCESSORS_CONF);
    return configured > 0 ? (int)configured : 1;
}

int clbnet_pin_thread(const uint64_t mask[16]) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int cpu = 0; cpu < 1024 && cpu < CPU_SETSIZE; cpu++) {
        if (mask[cpu / 64] & ((uint64_t)1 << (cpu % 64))) CPU_SET(cpu, &set);
    }
    int rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
    if (rc != 0) { errno = rc; return -1; }
    return 0;
}

int clbnet_eventfd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

int clbnet_eventfd_signal(int fd) {
    uint64_t one = 1;
    return write(fd, &one, sizeof(one)) == sizeof(one) ? 0 : -1;
}
