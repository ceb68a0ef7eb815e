import LBCore
import LBWire
import NIOCore

/// Answers ARP requests (RFC 826) for the IPv4 addresses this node announces on one interface.
/// Pure: it reads a frame and returns the reply to send or the reason for staying silent; the
/// caller owns the socket and updates `ownedIPs` as ownership changes.
///
/// Checks, in order (the first that fails names the drop):
/// 1. the frame decodes as Ethernet/IPv4 ARP (`malformed`, `notARP`);
/// 2. it is in our VLAN (`wrongVLAN`) and not from our own MAC (`fromOurselves`);
/// 3. it is a request (`notRequest`) sent to broadcast or to us (`wrongEthernetDestination`);
/// 4. the requester can be answered: unicast sender MAC, sender IP not multicast/broadcast
///    (`invalidSender`);
/// 5. the target IP is ours (`targetNotOwned`);
/// 6. it asks something: an ARP Announcement (sender IP == target IP) from another host for our
///    IP is a conflict to report, not a question (`gratuitous`).
///
/// ARP Probes (sender IP 0.0.0.0, RFC 5227 section 2.1.1) for our IPs are answered: the prober
/// (a host about to configure the address, or a DHCP client checking a lease per RFC 2131
/// section 2.2) treats "any ARP packet where the sender IP is the probed address" as a
/// conflict, so answering is what keeps it off our address. The reply goes to the prober's MAC
/// with target IP 0.0.0.0, exactly as the Linux kernel answers a probe for a local address
/// (`arp_process`, captured in the tests).
public struct ARPResponder: Sendable {
    /// The MAC of the interface we answer on: the sender of every reply.
    public var interfaceMAC: MACAddress
    /// The addresses this node announces on this interface (IPv6 members are ignored).
    public var ownedIPs: Set<IPAddress>
    /// The VLAN this responder serves; nil for untagged (or priority-tagged, VID 0) frames.
    /// Replies carry the request's tag.
    public var vlan: UInt16?

    public init(interfaceMAC: MACAddress, ownedIPs: Set<IPAddress> = [], vlan: UInt16? = nil) {
        self.interfaceMAC = interfaceMAC
        self.ownedIPs = ownedIPs
        self.vlan = vlan
    }

    /// The reply to send for `frame`, or why none is sent.
    public func respond(to frame: ByteBuffer) -> Layer2Decision {
        let request: ARPFrame
        do throws(FrameError) {
            request = try ARPFrame(decoding: frame)
        } catch {
            return .drop(Self.dropReason(for: error))
        }
        let arp = request.packet
        guard request.ethernet.vlanID == vlan else { return .drop(.wrongVLAN(request.ethernet.vlanID)) }
        guard request.ethernet.source != interfaceMAC, arp.senderHardwareAddress != interfaceMAC else {
            return .drop(.fromOurselves)
        }
        guard arp.operation == .request else { return .drop(.notRequest) }
        let destination = request.ethernet.destination
        guard destination.isBroadcast || destination == interfaceMAC else {
            return .drop(.wrongEthernetDestination)
        }
        guard arp.senderHardwareAddress.isUnicast, !arp.senderIP.isIPv4MulticastOrBroadcast else {
            return .drop(.invalidSender)
        }
        guard ownedIPs.contains(arp.targetIP) else { return .drop(.targetNotOwned) }
        guard !arp.isGratuitous else { return .drop(.gratuitous) }
        return .reply(request.reply(from: interfaceMAC).encoded())
    }

    /// Whether `frame` shows another host using one of our IPs. RFC 5227 section 2.4: "If the
    /// host receives an ARP packet (Request *or* Reply) on an interface where the 'sender IP
    /// address' is (one of) the host's address configured on that interface, but the 'sender
    /// hardware address' does not match any of the host's own interface addresses, then this
    /// is a conflicting ARP packet". Probes (sender IP 0.0.0.0) claim nothing. Frames that do
    /// not decode, or belong to another VLAN, are no conflict.
    public func inspectForeignAnswer(_ frame: ByteBuffer) -> ForeignAnswer {
        guard let seen = try? ARPFrame(decoding: frame), seen.ethernet.vlanID == vlan else { return .noConflict }
        let arp = seen.packet
        guard arp.senderIPv4 != 0, ownedIPs.contains(arp.senderIP),
            arp.senderHardwareAddress != interfaceMAC, seen.ethernet.source != interfaceMAC
        else { return .noConflict }
        return .conflict(ip: arp.senderIP, foreignMAC: arp.senderHardwareAddress)
    }

    /// Frames of another protocol are `notARP`; everything else that fails to decode is
    /// `malformed`, with the decoder's reason.
    static func dropReason(for error: FrameError) -> Layer2DropReason {
        switch error {
        case .unexpectedEtherType, .notEthernetII: return .notARP
        default: return .malformed(error)
        }
    }
}
