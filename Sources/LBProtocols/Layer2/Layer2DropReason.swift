import LBWire

/// Why a layer-2 responder did not answer a frame. Every frame gets either a reply or one of
/// these, so logs, metrics and `lbctl explain` can say why a neighbor got no answer.
public enum Layer2DropReason: Error, Hashable, Sendable, CustomStringConvertible {
    /// The frame could not be decoded; the error names the field.
    case malformed(FrameError)
    /// Not an ARP frame (another EtherType, or an 802.3/LLC frame).
    case notARP
    /// Not an NS or NA: another EtherType, another IPv6 upper layer, or another ICMPv6 type.
    case notNDP
    /// An IPv6 extension header follows the fixed header (RFC 8200 section 4). NDP messages
    /// never need one and walking them is not supported.
    case unsupportedExtensionHeader(UInt8)
    /// RFC 4861 section 7.1.1: the ICMPv6 checksum is wrong.
    case badChecksum
    /// The frame's VLAN (nil: untagged) is not the one the responder serves. A tagged frame
    /// seen on the parent interface belongs to another layer-2 network.
    case wrongVLAN(UInt16?)
    /// Sent from this interface's own MAC (our own gratuitous packets seen again).
    case fromOurselves
    /// An ARP reply or other opcode, or a Neighbor Advertisement: answers are not answered
    /// (they are inspected for conflicts by `inspectForeignAnswer`).
    case notRequest
    /// The Ethernet destination is neither ours, broadcast (ARP), nor the multicast address of
    /// the IPv6 destination (NDP): the frame was meant for another host.
    case wrongEthernetDestination
    /// The requester cannot be answered: its hardware address (ARP sender or NDP source
    /// link-layer address) is multicast or zero, or its ARP sender IP is multicast/broadcast.
    case invalidSender
    /// The target IP is not one this node announces on this interface.
    case targetNotOwned
    /// An ARP Announcement (sender IP == target IP, RFC 5227 section 3) for one of our IPs
    /// from another host: it asks nothing. It is a conflict, reported through
    /// `inspectForeignAnswer`; DESIGN.md: reported, never fought.
    case gratuitous
    /// RFC 4861 section 7.1.1: the IP Hop Limit of a Neighbor Solicitation must be 255, proof
    /// that it was not forwarded by a router.
    case invalidHopLimit(UInt8)
    /// RFC 4861 section 7.1.1: "Target Address is not a multicast address."
    case multicastTarget
    /// RFC 4861 section 7.1.1: "If the IP source address is the unspecified address, the IP
    /// destination address is a solicited-node multicast address."
    case unspecifiedSourceNotToSolicitedNode
    /// RFC 4861 section 7.1.1: "If the IP source address is the unspecified address, there is
    /// no source link-layer address option in the message."
    case unspecifiedSourceWithLinkLayerAddress
    /// The IPv6 destination is neither the target's solicited-node multicast address nor the
    /// target itself: the solicitation is not addressed to the owner of the target.
    case wrongDestination

    /// A short, stable name for metrics labels and log keys.
    public var label: String {
        switch self {
        case .malformed: return "malformed"
        case .notARP: return "notARP"
        case .notNDP: return "notNDP"
        case .unsupportedExtensionHeader: return "unsupportedExtensionHeader"
        case .badChecksum: return "badChecksum"
        case .wrongVLAN: return "wrongVLAN"
        case .fromOurselves: return "fromOurselves"
        case .notRequest: return "notRequest"
        case .wrongEthernetDestination: return "wrongEthernetDestination"
        case .invalidSender: return "invalidSender"
        case .targetNotOwned: return "targetNotOwned"
        case .gratuitous: return "gratuitous"
        case .invalidHopLimit: return "invalidHopLimit"
        case .multicastTarget: return "multicastTarget"
        case .unspecifiedSourceNotToSolicitedNode: return "unspecifiedSourceNotToSolicitedNode"
        case .unspecifiedSourceWithLinkLayerAddress: return "unspecifiedSourceWithLinkLayerAddress"
        case .wrongDestination: return "wrongDestination"
        }
    }

    public var description: String {
        switch self {
        case .malformed(let error): return "malformed: \(error)"
        case .unsupportedExtensionHeader(let n): return "unsupportedExtensionHeader: next header \(n)"
        case .wrongVLAN(let id): return "wrongVLAN: frame in \(id.map { "VLAN \($0)" } ?? "no VLAN")"
        case .invalidHopLimit(let h): return "invalidHopLimit: \(h), expected 255"
        default: return label
        }
    }
}
