import CLBNet
import LBWire
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A raw AF_PACKET socket bound to one interface that sees only ARP and ICMPv6 NS/NA.
///
/// The kernel filters (a classic BPF program attached with SO_ATTACH_FILTER, see CLBNet.h), so user
/// space wakes only for the frames the responders care about. The socket is opened with protocol 0,
/// which receives nothing, the filter is attached, and only then is it bound with ETH_P_ALL: no
/// unfiltered frame can be queued in between. It is non-blocking: `receive` returns nil when
/// nothing is queued; callers wait with `poll(2)` on `fileDescriptor`.
public final class PacketSocket: Sendable {
    public let interface: String
    public let interfaceIndex: Int32
    /// -1 once closed.
    private let fd: Mutex<Int32>

    /// Opens the socket on `interface` (by name). Throws `LBNetError` naming the interface.
    public init(interface: String) throws(LBNetError) {
        self.interface = interface
        let index = Int32(bitPattern: if_nametoindex(interface))
        guard index > 0 else { throw .current("if_nametoindex", interface) }
        self.interfaceIndex = index
        let fd = clbnet_packet_socket()
        guard fd >= 0 else { throw .current("socket(AF_PACKET)", interface) }
        guard clbnet_attach_l2_filter(fd) == 0 else {
            let error = LBNetError.current("SO_ATTACH_FILTER", interface)
            Glibc.close(fd)
            throw error
        }
        // Best effort: older kernels lack it, and `receive` skips PACKET_OUTGOING frames anyway.
        _ = clbnet_ignore_outgoing(fd)
        guard clbnet_request_auxdata(fd) == 0 else {
            let error = LBNetError.current("PACKET_AUXDATA", interface)
            Glibc.close(fd)
            throw error
        }
        guard clbnet_bind(fd, index, CLBNET_ETH_P_ALL) == 0 else {
            let error = LBNetError.current("bind(AF_PACKET)", interface)
            Glibc.close(fd)
            throw error
        }
        self.fd = Mutex(fd)
    }

    deinit { close() }

    /// The descriptor to `poll(2)` on, or -1 once closed.
    public var fileDescriptor: Int32 { fd.withLock { $0 } }

    /// Closes the socket; later calls are no-ops.
    public func close() {
        fd.withLock { fd in
            if fd >= 0 { _ = Glibc.close(fd) }
            fd = -1
        }
    }

    /// One received frame and the 802.1Q VLAN ID the kernel stripped from it, if any (frames on a
    /// parent interface that belong to a VLAN sub-interface arrive this way).
    public struct Received: Sendable {
        public var frame: ByteBuffer
        public var strippedVLAN: UInt16?
    }

    /// Receives one frame addressed to or seen by this interface (never one we sent), or nil when
    /// none is queued.
    public func receive(maxLength: Int = 2048) throws(LBNetError) -> Received? {
        let fd = fileDescriptor
        guard fd >= 0 else { throw LBNetError(operation: "recv", interface: interface, errno: EBADF) }
        var storage = [UInt8](repeating: 0, count: maxLength)
        while true {
            var pktType: Int32 = 0
            var vlan: Int32 = -1
            let n = storage.withUnsafeMutableBytes { clbnet_recv(fd, $0.baseAddress, $0.count, &pktType, &vlan) }
            if n < 0 {
                let code = Glibc.errno
                if code == EAGAIN || code == EWOULDBLOCK { return nil }
                if code == EINTR { continue }
                throw LBNetError(operation: "recv", interface: interface, errno: code)
            }
            if pktType == CLBNET_PACKET_OUTGOING { continue }
            return Received(frame: ByteBuffer(bytes: storage[0..<n]), strippedVLAN: vlan >= 0 ? UInt16(vlan) : nil)
        }
    }

    /// Sends one complete Ethernet frame (header included) on the interface.
    public func send(_ frame: ByteBuffer) throws(LBNetError) {
        let fd = fileDescriptor
        guard fd >= 0 else { throw LBNetError(operation: "send", interface: interface, errno: EBADF) }
        let sent = frame.withUnsafeReadableBytes { clbnet_send(fd, $0.baseAddress, $0.count) }
        guard sent >= 0 else { throw .current("send", interface) }
    }

    /// Joins (or leaves) a link-layer multicast group, e.g. the solicited-node MAC
    /// 33:33:ff:xx:xx:xx of an IPv6 address we answer for, so the NIC delivers its NS frames.
    public func setMulticastMembership(_ mac: MACAddress, joined: Bool) throws(LBNetError) {
        let fd = fileDescriptor
        guard fd >= 0 else { throw LBNetError(operation: "PACKET_ADD_MEMBERSHIP", interface: interface, errno: EBADF) }
        let bytes = mac.bytes
        let rc = bytes.withUnsafeBufferPointer { clbnet_multicast_membership(fd, interfaceIndex, $0.baseAddress, joined ? 1 : 0) }
        guard rc == 0 else {
            throw .current(joined ? "PACKET_ADD_MEMBERSHIP \(mac)" : "PACKET_DROP_MEMBERSHIP \(mac)", interface)
        }
    }

    /// Joins a PACKET_FANOUT_CPU group on this socket's interface (see `clbnet_fanout_cpu_join`):
    /// `group` 0 creates one and returns its kernel-assigned id; otherwise joins `group`.
    @discardableResult
    public func joinFanoutByCPU(group: Int32) throws(LBNetError) -> Int32 {
        let fd = fileDescriptor
        guard fd >= 0 else { throw LBNetError(operation: "PACKET_FANOUT", interface: interface, errno: EBADF) }
        var assigned: Int32 = 0
        guard clbnet_fanout_cpu_join(fd, group, &assigned) == 0 else { throw .current("PACKET_FANOUT", interface) }
        return group == 0 ? assigned : group
    }
}
