// CLBNetTCP — TCP socket options for BGP sessions that Swift's Glibc module does not expose in a
// usable form: TCP MD5 signatures (RFC 2385, struct tcp_md5sig) and the TTL / hop-limit option
// names. Only glibc headers are included (netinet/tcp.h defines struct tcp_md5sig itself).
#ifndef CLBNET_TCP_H
#define CLBNET_TCP_H

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>

static const int CLBNET_IPPROTO_TCP = IPPROTO_TCP;
static const int CLBNET_IPPROTO_IP = IPPROTO_IP;
static const int CLBNET_IPPROTO_IPV6 = IPPROTO_IPV6;
static const int CLBNET_TCP_MD5SIG = TCP_MD5SIG;
static const int CLBNET_TCP_MD5SIG_MAXKEYLEN = TCP_MD5SIG_MAXKEYLEN;
static const int CLBNET_IP_TTL = IP_TTL;
static const int CLBNET_IPV6_UNICAST_HOPS = IPV6_UNICAST_HOPS;

/// Fills `out` with the TCP_MD5SIG option value (RFC 2385) for one peer address: the whole
/// struct is zeroed, the peer's sockaddr (AF_INET or AF_INET6, at most sizeof(sockaddr_storage))
/// copied into tcpm_addr and the key into tcpm_key. keylen 0 removes the key for that peer.
/// 0, or -1 with errno EINVAL (bad address length or family) / EMSGSIZE (key longer than
/// TCP_MD5SIG_MAXKEYLEN, 80 bytes).
int clbnet_tcp_md5sig_fill(struct tcp_md5sig *out, const struct sockaddr *peer, socklen_t len,
                           const uint8_t *key, int keylen);

/// Sets TCP_MD5SIG on `fd` for one peer address (see clbnet_tcp_md5sig_fill). Must be called
/// before connect(2) so the SYN is already signed. 0 or -1/errno.
int clbnet_set_tcp_md5(int fd, const struct sockaddr *peer, socklen_t len, const uint8_t *key, int keylen);

#endif
