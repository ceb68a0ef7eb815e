import Foundation
import KubeAPI
import LBCore

/// One speaker as its Lease `ironlb-speaker-<node>` shows it: liveness from the renewal time,
/// and its published `SpeakerState` when readable.
struct SpeakerReading: Sendable {
    /// The prefix of the Lease each speaker renews and publishes its state on; the rest of the
    /// name is the node.
    static let leasePrefix = "ironlb-speaker-"

    var node: String
    /// Renewed less than `leaseDurationSeconds` ago.
    var live: Bool
    var lastRenewal: String?
    var lastRenewalAgeSeconds: Int?
    var state: SpeakerState?
    /// Why `state` is nil.
    var stateProblem: String?

    /// The speakers' Leases among `leases`, sorted by node.
    static func read(_ leases: [Lease], now: Date) -> [SpeakerReading] {
        leases
            .filter { $0.metadata.name.hasPrefix(leasePrefix) }
            .sorted { $0.metadata.name < $1.metadata.name }
            .map { lease in
                let node = String(lease.metadata.name.dropFirst(leasePrefix.count))
                let renew = lease.spec.renewTime?.date
                var live = false
                if let renew, let duration = lease.spec.leaseDurationSeconds {
                    live = renew.addingTimeInterval(TimeInterval(duration)) > now
                }
                var reading = SpeakerReading(
                    node: node, live: live, lastRenewal: lease.spec.renewTime?.description,
                    lastRenewalAgeSeconds: renew.map { max(0, Int(now.timeIntervalSince($0).rounded(.down))) })
                if let text = lease.metadata.annotations[SpeakerState.annotationKey] {
                    do {
                        reading.state = try SpeakerState.decode(text)
                    } catch {
                        reading.stateProblem = "unreadable \(SpeakerState.annotationKey) annotation: \(error)"
                    }
                } else {
                    reading.stateProblem = "no \(SpeakerState.annotationKey) annotation"
                }
                return reading
            }
    }

    /// "last renewed 1h1m ago", "never renewed".
    var renewalText: String {
        lastRenewalAgeSeconds.map { "last renewed \(TableLayout.age($0)) ago" } ?? "never renewed"
    }

    /// This speaker's entry for `ip`, when its state lists it.
    func entry(for ip: IPAddress) -> SpeakerState.AddressState? {
        state?.ips.first { $0.ip == ip }
    }
}
