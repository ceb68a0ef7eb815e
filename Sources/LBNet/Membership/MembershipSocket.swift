#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LBCore
import LBProtocols
import NIOCore

/// The membership endpoint's UDP socket, opened and bound here and then handed to SwiftNIO
/// (`DatagramBootstrap.withBoundSocket`), which reads it on its event loop.
///
/// Why not let NIO write too: NIO's datagram channel treats only `EMSGSIZE` and `EHOSTUNREACH`
/// as recoverable write errors and closes the whole channel on any other (`ENETUNREACH` for a
/// peer on a network with no route, `EPERM` from a firewall rule, `EAFNOSUPPORT` for an IPv6
/// peer on an IPv4 socket). One bad peer address would then silence this node towards every
/// peer and get it declared dead everywhere. Heartbeats are fire-and-forget, so the transport
/// calls `sendto` itself on the event loop: every error is counted and logged, never fatal,
/// and a full socket buffer (`EAGAIN`) drops that one datagram instead of queueing stale ones.
enum MembershipSocket {
    /// A bound, non-blocking, close-on-exec UDP socket for `host` (a numeric IPv4 or IPv6
    /// address; `0.0.0.0` or `::` for all). An IPv6 socket is made dual-stack
    /// (`IPV6_V6ONLY` off) so that bound to `::` it also reaches IPv4 peers.
    static func openBound(host: String, port: Int) throws -> (fd: CInt, family: IPFamily) {
        let address: IPAddress
        do { address = try IPAddress.parse(host) } catch {
            throw MembershipTransportError.invalidBindHost(host, reason: error.reason)
        }
        guard let port16 = UInt16(exactly: port) else { throw MembershipTransportError.invalidPort(port) }
        let endpoint = "udp \(PeerAddress(host: address, port: port16))"
        let domain = address.family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(domain, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LBNetError.current("socket", endpoint) }
        do {
            if address.family == .ipv6 {
                var off: CInt = 0
                guard setsockopt(fd, CInt(IPPROTO_IPV6), IPV6_V6ONLY, &off, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
                    throw LBNetError.current("setsockopt IPV6_V6ONLY", endpoint)
                }
            }
            let bound = withSocketAddress(address, port: port16, socketFamily: address.family) { sa, len in
                bind(fd, sa, len)
            }
            guard bound == 0 else { throw LBNetError.current("bind", endpoint) }
        } catch {
            close(fd)
            throw error
        }
        return (fd, address.family)
    }

    /// Closes a descriptor not (yet) handed to NIO.
    @discardableResult
    static func close(_ fd: CInt) -> CInt {
        #if canImport(Glibc)
        Glibc.close(fd)
        #elseif canImport(Musl)
        Musl.close(fd)
        #else
        Darwin.close(fd)
        #endif
    }

    /// Sends one datagram without blocking. Returns 0, or the errno that refused it.
    static func send(_ fd: CInt, socketFamily: IPFamily, _ datagram: ByteBuffer, to peer: PeerAddress) -> CInt {
        let sent: Int? = withSocketAddress(peer.host, port: peer.port, socketFamily: socketFamily) { sa, len in
            datagram.withUnsafeReadableBytes { bytes in
                var n: Int
                repeat {
                    n = sendto(fd, bytes.baseAddress, bytes.count, CInt(MSG_DONTWAIT), sa, len)
                } while n < 0 && errno == EINTR
                return n
            }
        }
        guard let sent else { return EAFNOSUPPORT }
        return sent < 0 ? errno : 0
    }

    /// Calls `body` with a socket address for `address` usable on a socket of `socketFamily`:
    /// IPv4 peers are written as IPv4-mapped IPv6 addresses (RFC 4291 section 2.5.5.2) on an
    /// IPv6 socket. nil (without calling `body`) for an IPv6 peer on an IPv4 socket.
    static func withSocketAddress<R>(
        _ address: IPAddress, port: UInt16, socketFamily: IPFamily,
        _ body: (UnsafePointer<sockaddr>, socklen_t) -> R
    ) -> R? {
        switch (socketFamily, address.family) {
        case (.ipv4, .ipv4):
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = port.bigEndian
            sa.sin_addr.s_addr = UInt32(truncatingIfNeeded: address.value).bigEndian
            return withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case (.ipv6, _):
            let bytes: [UInt8] =
                address.family == .ipv6 ? address.bytes : Array(repeating: 0, count: 10) + [0xFF, 0xFF] + address.bytes
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6)
            sa.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sa.sin6_addr) { $0.copyBytes(from: bytes) }
            return withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        case (.ipv4, .ipv6):
            return nil
        }
    }
}
