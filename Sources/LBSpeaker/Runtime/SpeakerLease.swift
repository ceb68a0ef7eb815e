import Foundation
import KubeAPI
import LBCore
import LBProtocols

/// The per-node Lease a speaker keeps in IronLB's namespace: proof of life for `lbctl` (its
/// `renewTime`), the speaker's membership address (how peers find each other) and its
/// published `SpeakerState` (what it announces and why not). Pure helpers; the writes are
/// `SpeakerStatePublisher`'s.
public enum SpeakerLease {
    /// The labels every speaker Lease carries; `labelSelector` selects exactly these.
    public static let labels = ["app.kubernetes.io/name": "ironlb", "app.kubernetes.io/component": "speaker"]
    /// Selects speaker Leases (and not the controller's leader Lease next to them).
    public static let labelSelector = "app.kubernetes.io/name=ironlb,app.kubernetes.io/component=speaker"

    /// `ironlb-speaker-<node>`.
    public static func name(for node: String) -> String { "ironlb-speaker-\(node)" }

    /// What this speaker writes on its Lease: everything a write sets (labels, holder, duration,
    /// renew time, both annotations).
    struct Content: Sendable, Hashable {
        var memberAddress: String
        var state: String
    }

    /// A JSON merge patch (RFC 7386) that sets every field this speaker owns and leaves the rest
    /// (other annotations, `acquireTime`, `leaseTransitions`) alone.
    static func patch(_ content: Content, node: String, leaseDurationSeconds: Int, now: Date) -> JSONValue {
        var labelValues: [String: JSONValue] = [:]
        for (k, v) in labels { labelValues[k] = .string(v) }
        return .object([
            "metadata": .object([
                "labels": .object(labelValues),
                "annotations": .object([
                    MemberAddress.annotationKey: .string(content.memberAddress),
                    SpeakerState.annotationKey: .string(content.state),
                ]),
            ]),
            "spec": .object([
                "holderIdentity": .string(node),
                "leaseDurationSeconds": .int(Int64(leaseDurationSeconds)),
                "renewTime": .string(MicroTime(now).description),
            ]),
        ])
    }

    /// The Lease to create when there is none yet.
    static func object(
        _ content: Content, node: String, namespace: String, leaseDurationSeconds: Int, now: Date
    ) -> Lease {
        Lease(
            metadata: ObjectMeta(
                name: name(for: node), namespace: namespace, labels: labels,
                annotations: [MemberAddress.annotationKey: content.memberAddress, SpeakerState.annotationKey: content.state]),
            spec: LeaseSpec(
                holderIdentity: node, leaseDurationSeconds: leaseDurationSeconds, acquireTime: MicroTime(now),
                renewTime: MicroTime(now), leaseTransitions: 0))
    }

    /// What a speaker Lease says about a peer.
    enum PeerReading: Sendable, Hashable {
        /// A peer: its node name and membership address.
        case peer(name: String, address: PeerAddress)
        /// This speaker's own Lease.
        case ownLease
        /// A Lease that cannot be used, and why (logged, then ignored).
        case unusable(String)
    }

    /// Reads the peer a speaker Lease describes. Never throws: anything malformed (written by
    /// a broken or foreign writer) is `unusable` with the reason.
    static func peer(from lease: Lease, selfName: String) -> PeerReading {
        let name = lease.spec.holderIdentity ?? ""
        if name == selfName || lease.metadata.name == Self.name(for: selfName) { return .ownLease }
        guard !name.isEmpty else { return .unusable("spec.holderIdentity is empty") }
        guard MembershipCodec.isValidName(name) else {
            return .unusable("spec.holderIdentity \"\(name.prefix(64))\" is not a valid node name")
        }
        guard lease.metadata.name == Self.name(for: name) else {
            return .unusable("spec.holderIdentity \"\(name)\" does not match the Lease name (expected \(Self.name(for: name)))")
        }
        guard let text = lease.metadata.annotations[MemberAddress.annotationKey] else {
            return .unusable("no \(MemberAddress.annotationKey) annotation (the speaker has not published its address yet)")
        }
        do {
            return .peer(name: name, address: try MemberAddress.parse(text))
        } catch {
            return .unusable(error.description)
        }
    }
}
