import CLBNet
import LBCore
import NIOCore
import NIOPosix

/// The socket options of a BGP connection, set before connect so the SYN already carries them:
/// the TTL / hop limit (`ebgp-multihop`) and the TCP MD5 signature (RFC 2385, `password`).
enum BGPSocketOptions {
    /// A socket option the kernel refused, with the errno text.
    struct Failure: Error, CustomStringConvertible {
        var option: String
        var reason: String
        var description: String { "\(option): \(reason)" }
    }

    static func apply(to channel: any Channel, endpoint: BGPPeerEndpoint, peer: SocketAddress) -> EventLoopFuture<Void> {
        provider(channel).flatMap { provider in
            var steps: [EventLoopFuture<Void>] = []
            if let ttl = endpoint.ttl {
                let value = CInt(clamping: ttl)
                steps.append(
                    endpoint.address.family == .ipv4
                        ? provider.unsafeSetSocketOption(
                            level: .init(rawValue: CLBNET_IPPROTO_IP), name: .init(rawValue: CLBNET_IP_TTL), value: value)
                        : provider.unsafeSetSocketOption(
                            level: .init(rawValue: CLBNET_IPPROTO_IPV6), name: .init(rawValue: CLBNET_IPV6_UNICAST_HOPS),
                            value: value))
            }
            if let password = endpoint.password {
                do {
                    let signature = try md5Signature(peer: peer, key: Array(password.utf8))
                    steps.append(
                        provider.unsafeSetSocketOption(
                            level: .init(rawValue: CLBNET_IPPROTO_TCP), name: .init(rawValue: CLBNET_TCP_MD5SIG),
                            value: signature))
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            return EventLoopFuture.andAllSucceed(steps, on: channel.eventLoop).flatMapErrorThrowing { error in
                throw Failure(option: "setsockopt", reason: "\(error)")
            }
        }
    }

    /// NIO's socket channels provide raw socket options themselves.
    static func provider(_ channel: any Channel) -> EventLoopFuture<any SocketOptionProvider> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(
                Failure(option: "setsockopt", reason: "the channel is not a socket (\(type(of: channel)))"))
        }
        return channel.eventLoop.makeSucceededFuture(provider)
    }

    /// The TCP_MD5SIG value for `peer`: RFC 2385 keys are per peer address.
    static func md5Signature(peer: SocketAddress, key: [UInt8]) throws(Failure) -> tcp_md5sig {
        guard key.count <= Int(CLBNET_TCP_MD5SIG_MAXKEYLEN) else {
            throw Failure(option: "TCP MD5 password", reason: "\(key.count) bytes, at most \(CLBNET_TCP_MD5SIG_MAXKEYLEN) allowed")
        }
        var signature = tcp_md5sig()
        let result = peer.withSockAddr { address, length in
            key.withUnsafeBufferPointer { keyBytes in
                clbnet_tcp_md5sig_fill(&signature, address, socklen_t(length), keyBytes.baseAddress, CInt(key.count))
            }
        }
        guard result == 0 else { throw Failure(option: "TCP MD5 password", reason: "the peer address cannot carry a key") }
        return signature
    }

    /// Reads the TTL (IPv4) or unicast hop limit (IPv6) back from a connected socket.
    static func ttl(of channel: any Channel, family: IPFamily) -> EventLoopFuture<Int> {
        provider(channel).flatMap { provider in
            let read: EventLoopFuture<CInt> =
                family == .ipv4
                ? provider.unsafeGetSocketOption(level: .init(rawValue: CLBNET_IPPROTO_IP), name: .init(rawValue: CLBNET_IP_TTL))
                : provider.unsafeGetSocketOption(
                    level: .init(rawValue: CLBNET_IPPROTO_IPV6), name: .init(rawValue: CLBNET_IPV6_UNICAST_HOPS))
            return read.map { Int($0) }
        }
    }
}
