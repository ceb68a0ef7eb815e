#include "CLBNetTCP.h"

#include <errno.h>
#include <string.h>

int clbnet_tcp_md5sig_fill(struct tcp_md5sig *out, const struct sockaddr *peer, socklen_t len,
                           const uint8_t *key, int keylen) {
    if (out == NULL || peer == NULL || len > sizeof(out->tcpm_addr) ||
        (peer->sa_family != AF_INET && peer->sa_family != AF_INET6) || keylen < 0) {
        errno = EINVAL;
        return -1;
    }
    if (keylen > TCP_MD5SIG_MAXKEYLEN) {
        errno = EMSGSIZE;
        return -1;
    }
    memset(out, 0, sizeof(*out));
    memcpy(&out->tcpm_addr, peer, len);
    out->tcpm_keylen = (uint16_t)keylen;
    if (keylen > 0) memcpy(out->tcpm_key, key, (size_t)keylen);
    return 0;
}

int clbnet_set_tcp_md5(int fd, const struct sockaddr *peer, socklen_t len, const uint8_t *key, int keylen) {
    struct tcp_md5sig sig;
    if (clbnet_tcp_md5sig_fill(&sig, peer, len, key, keylen) != 0) return -1;
    return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof(sig));
}
