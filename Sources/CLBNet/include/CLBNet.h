// CLBNet — the few Linux packet-socket definitions Swift's Glibc module does not expose
// (sockaddr_ll, ETH_P_*, ARPHRD_ETHER, packet_mreq, sock_fprog) and small helpers around them.
//
// Only glibc headers plus linux/if_ether.h and linux/filter.h are included: mixing
// linux/if_arp.h or linux/if_packet.h with net/if.h gives "redefinition" errors.
//
// Kernel filtering choice: libpcap is not used. An AF_PACKET socket with a classic BPF program
// attached through SO_ATTACH_FILTER is filtered in the kernel exactly as libpcap's filter would
// be (libpcap compiles to the same classic BPF and attaches it the same way), without a
// dependency or a capture buffer of its own.
#ifndef CLBNET_H
#define CLBNET_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <net/ethernet.h>
#include <netpacket/packet.h>
#include <linux/if_ether.h>
#include <linux/filter.h>
#include <stdint.h>

static const int CLBNET_ETH_P_ALL = ETH_P_ALL;
static const int CLBNET_ETH_P_ARP = ETH_P_ARP;
static const int CLBNET_ETH_P_IPV6 = ETH_P_IPV6;
static const int CLBNET_ARPHRD_ETHER = ARPHRD_ETHER;
static const unsigned CLBNET_IFF_UP = IFF_UP;
static const unsigned CLBNET_IFF_LOOPBACK = IFF_LOOPBACK;
static const unsigned CLBNET_IFF_NOARP = IFF_NOARP;
static const unsigned CLBNET_IFF_RUNNING = IFF_RUNNING;
static const int CLBNET_PACKET_OUTGOING = PACKET_OUTGOING;

/// Opens a non-blocking, close-on-exec AF_PACKET/SOCK_RAW socket with protocol 0, which receives
/// nothing until bound: the filter can be attached before the first frame is queued.
/// Returns the fd, or -1 with errno set.
int clbnet_packet_socket(void);

/// Attaches the classic BPF program that passes only ARP and ICMPv6 Neighbor Solicitation /
/// Neighbor Advertisement (untagged frames, IPv6 without extension headers). 0 or -1/errno.
int clbnet_attach_l2_filter(int fd);

/// Asks the kernel not to loop our own sent frames back (PACKET_IGNORE_OUTGOING, Linux 4.20+).
/// 0 or -1/errno; callers also skip PACKET_OUTGOING frames in case it is unsupported.
int clbnet_ignore_outgoing(int fd);

/// Asks for PACKET_AUXDATA on every received frame, which carries the 802.1Q tag the NIC or
/// driver stripped (so `clbnet_recv` can report it). 0 or -1/errno.
int clbnet_request_auxdata(int fd);

/// Binds the socket to one interface for `protocol` (host order, e.g. ETH_P_ALL). 0 or -1/errno.
int clbnet_bind(int fd, int ifindex, int protocol);

/// Joins a bound packet socket to a PACKET_FANOUT_CPU group on its interface: each frame goes to
/// the member whose index is (the CPU that received it) modulo (the member count), in join
/// order. `group` 0 creates a new group with a kernel-assigned unique id (Linux 4.12+), stored
/// in *assigned; otherwise joins `group`. 0 or -1/errno.
int clbnet_fanout_cpu_join(int fd, int group, int *assigned);

/// The CPUs the calling thread may run on (sched_getaffinity), as a bitmask over the first 1024
/// CPU numbers in `mask` (16 words), and the number of configured CPUs as the result; -1/errno.
int clbnet_allowed_cpus(uint64_t mask[16]);

/// Restricts the calling thread to the CPUs set in `mask` (16 words, as above). 0 or -1/errno.
int clbnet_pin_thread(const uint64_t mask[16]);

/// An eventfd (non-blocking, close-on-exec) to wake threads blocked in poll(2), or -1/errno.
int clbnet_eventfd(void);

/// Adds one to an eventfd (wakes its pollers). 0 or -1/errno.
int clbnet_eventfd_signal(int fd);

/// Adds (add != 0) or drops a link-layer multicast membership (PACKET_MR_MULTICAST) for a
/// 6-byte MAC on an interface. 0 or -1/errno.
int clbnet_multicast_membership(int fd, int ifindex, const uint8_t mac[6], int add);

/// Receives one frame; *pkttype gets sll_pkttype (PACKET_HOST, PACKET_OUTGOING, ...) and *vlan the
/// VLAN ID the kernel stripped from it (from PACKET_AUXDATA), or -1 when it carried no tag.
/// Returns the frame length, or -1/errno (EAGAIN when nothing is queued).
ssize_t clbnet_recv(int fd, void *buffer, size_t length, int *pkttype, int *vlan);

/// Sends one complete Ethernet frame on the bound interface. Bytes sent or -1/errno.
ssize_t clbnet_send(int fd, const void *frame, size_t length);

/// Reads an interface's hardware address (SIOCGIFHWADDR) into mac[6]; *hwtype gets the ARPHRD type.
/// 0 or -1/errno.
int clbnet_get_hwaddr(const char *name, uint8_t mac[6], int *hwtype);

/// Reads an interface's flags (SIOCGIFFLAGS). 0 or -1/errno.
int clbnet_get_flags(const char *name, unsigned *flags);

/// Moves the calling thread (only) into the network namespace at `path` (e.g.
/// /var/run/netns/NAME or /proc/thread-self/ns/net) with setns(2). Sockets opened afterwards by
/// this thread belong to that namespace and stay there. 0 or -1/errno.
int clbnet_enter_netns(const char *path);

/// Moves the calling thread into the network namespace at `path` and returns a descriptor of the
/// namespace it was in (for clbnet_netns_restore), or -1 with errno set (the thread stays put).
int clbnet_netns_swap(const char *path);

/// Moves the calling thread back into the namespace `fd` (from clbnet_netns_swap) and closes
/// `fd`. Returns 0, or -1 with errno set.
int clbnet_netns_restore(int fd);

// TCP socket options for BGP sessions (TCP MD5, TTL): a header of its own, included here since
// this file is the module's umbrella header.
#include "CLBNetTCP.h"

#endif
