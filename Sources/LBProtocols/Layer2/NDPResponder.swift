import LBCore
import LBWire
import NIOCore

/// Answers IPv6 Neighbor Solicitations (RFC 4861) for the addresses this node announces on one
/// interface. Pure: it reads a frame and returns the Neighbor Advertisement to send or the
/// reason for staying silent; the caller owns the socket (and joins the solicited-node groups)
/// and updates `ownedIPs` as ownership changes.
///
/// Checks, in order (the first that fails names the drop):
/// 1. the frame decodes as Ethernet/IPv6/ICMPv6 NS or NA with a valid checksum (`malformed`,
///    `notNDP`, `unsupportedExtensionHeader`, `badChecksum`);
/// 2. it is in our VLAN (`wrongVLAN`) and not from our own MAC (`fromOurselves`);
/// 3. it is a solicitation (`notRequest`) that passes RFC 4861 section 7.1.1: hop limit 255
///    (`invalidHopLimit`), target not multicast (`multicastTarget`), and from the unspecified
///    address only to a solicited-node group without a source link-layer address option
///    (`unspecifiedSourceNotToSolicitedNode`, `unspecifiedSourceWithLinkLayerAddress`);
/// 4. the target is ours (`targetNotOwned`) and the solicitation is addressed to its owner:
///    IPv6 destination the target's solicited-node group or the target itself
///    (`wrongDestination`), Ethernet destination our MAC or the RFC 2464 mapping of the IPv6
///    destination (`wrongEthernetDestination`);
/// 5. the solicitor can be answered (`invalidSender`).
///
/// The advertisement follows RFC 4861 section 7.2.4: Target Link-Layer Address option with our
/// MAC, Override set (we include that option and the address is ours, not proxied or anycast),
/// Router clear. From a specified source: Solicited set, unicast to the solicitation's source
/// address at its Source Link-Layer Address (or, when a unicast solicitation omits that option
/// as section 4.3 allows, at the Ethernet source of the frame: we keep no neighbor cache). From
/// the unspecified address (Duplicate Address Detection, RFC 4862 section 5.4.3 for an address
/// in use): Solicited clear, multicast to all-nodes ff02::1, which makes the prober give the
/// address up. The advertisement's source is the target address itself, an address of the
/// interface (section 4.4), as the Linux kernel does for addresses it owns.
public struct NDPResponder: Sendable {
    /// The MAC of the interface we answer on.
    public var interfaceMAC: MACAddress
    /// The addresses this node announces on this interface (IPv4 members are ignored).
    public var ownedIPs: Set<IPAddress>
    /// The VLAN this responder serves; nil for untagged (or priority-tagged, VID 0) frames.
    public var vlan: UInt16?

    public init(interfaceMAC: MACAddress, ownedIPs: Set<IPAddress> = [], vlan: UInt16? = nil) {
        self.interfaceMAC = interfaceMAC
        self.ownedIPs = ownedIPs
        self.vlan = vlan
    }

    /// The advertisement to send for `frame`, or why none is sent.
    public func respond(to frame: ByteBuffer) -> Layer2Decision {
        let request: NDPFrame
        do throws(FrameError) {
            request = try NDPFrame(decoding: frame)
        } catch {
            return .drop(Self.dropReason(for: error))
        }
        let ip = request.ipv6
        guard request.ethernet.vlanID == vlan else { return .drop(.wrongVLAN(request.ethernet.vlanID)) }
        guard request.ethernet.source != interfaceMAC else { return .drop(.fromOurselves) }
        guard case .neighborSolicitation(let ns) = request.message else { return .drop(.notRequest) }
        guard ns.sourceLinkLayerAddress != interfaceMAC else { return .drop(.fromOurselves) }

        guard ip.hopLimit == 255 else { return .drop(.invalidHopLimit(ip.hopLimit)) }
        guard !ns.target.isIPv6Multicast else { return .drop(.multicastTarget) }
        let fromUnspecified = ip.source.isIPv6Unspecified
        if fromUnspecified {
            guard ip.destination.isSolicitedNodeMulticast else { return .drop(.unspecifiedSourceNotToSolicitedNode) }
            guard ns.sourceLinkLayerAddress == nil else { return .drop(.unspecifiedSourceWithLinkLayerAddress) }
        }

        guard ownedIPs.contains(ns.target) else { return .drop(.targetNotOwned) }
        guard ip.destination == ns.target || ip.destination == ns.target.solicitedNodeMulticast else {
            return .drop(.wrongDestination)
        }
        let ethernetDestination = request.ethernet.destination
        guard ethernetDestination == interfaceMAC || ethernetDestination == MACAddress(ipv6Multicast: ip.destination)
        else { return .drop(.wrongEthernetDestination) }

        let replyIP: IPAddress
        let replyMAC: MACAddress
        if fromUnspecified {
            replyIP = .ipv6AllNodes
            replyMAC = .ipv6AllNodes
        } else {
            replyIP = ip.source
            replyMAC = ns.sourceLinkLayerAddress ?? request.ethernet.source
            guard replyMAC.isUnicast, !ip.source.isIPv6Multicast else { return .drop(.invalidSender) }
        }
        let advertisement = NeighborAdvertisement(
            router: false, solicited: !fromUnspecified, override: true, target: ns.target,
            options: [.targetLinkLayerAddress(interfaceMAC)])
        let reply = NDPFrame(
            ethernet: EthernetHeader(
                destination: replyMAC, source: interfaceMAC, vlan: request.ethernet.vlan, etherType: .ipv6),
            ipv6: IPv6Header(source: ns.target, destination: replyIP, hopLimit: 255),
            message: .neighborAdvertisement(advertisement))
        return .reply(reply.encoded())
    }

    /// Whether `frame` shows another host using one of our IPv6 addresses: a Neighbor
    /// Advertisement whose target is ours (RFC 4862 section 5.4.4: it "would possibly indicate
    /// that the address is a duplicate"), or a Neighbor Solicitation sent from our address,
    /// from a link-layer address (the TLLA/SLLA option, else the Ethernet source) that is not
    /// ours. Frames that do not decode, belong to another VLAN or did not come from this link
    /// (hop limit below 255, RFC 4861 sections 7.1.1/7.1.2) are no conflict.
    public func inspectForeignAnswer(_ frame: ByteBuffer) -> ForeignAnswer {
        guard let seen = try? NDPFrame(decoding: frame), seen.ethernet.vlanID == vlan,
            seen.ipv6.hopLimit == 255, seen.ethernet.source != interfaceMAC
        else { return .noConflict }
        let claimed: IPAddress
        let claimant: MACAddress
        switch seen.message {
        case .neighborAdvertisement(let na):
            claimed = na.target
            claimant = na.targetLinkLayerAddress ?? seen.ethernet.source
        case .neighborSolicitation(let ns):
            claimed = seen.ipv6.source
            claimant = ns.sourceLinkLayerAddress ?? seen.ethernet.source
        }
        guard ownedIPs.contains(claimed), claimant != interfaceMAC else { return .noConflict }
        return .conflict(ip: claimed, foreignMAC: claimant)
    }

    /// Another EtherType, upper layer or ICMPv6 type is `notNDP`; extension headers and bad
    /// checksums have their own reasons; everything else is `malformed`.
    static func dropReason(for error: FrameError) -> Layer2DropReason {
        switch error {
        case .unexpectedEtherType, .notEthernetII, .unsupportedNextHeader, .unsupportedICMPv6Type: return .notNDP
        case .ipv6ExtensionHeader(let nextHeader): return .unsupportedExtensionHeader(nextHeader)
        case .badChecksum: return .badChecksum
        default: return .malformed(error)
        }
    }
}
