import LBCore

/// What `lbctl config validate -o json|yaml` shows: whether every config document is valid,
/// and per document either a summary (pools, peers) or every error.
struct ValidationReport: Codable, Hashable {
    var valid: Bool
    var documents: [Document]

    struct Document: Codable, Hashable {
        /// Which document: the file, or `ConfigMap NAMESPACE/NAME` in a manifest.
        var source: String
        var valid: Bool
        /// Each error naming the field, the value and what was expected (with its line when
        /// known); empty when valid.
        var errors: [String]
        var pools: [Pool] = []
        var peers: [Peer] = []

        static func valid(_ config: Config, source: String) -> Document {
            Document(
                source: source, valid: true, errors: [],
                pools: config.pools.map { pool in
                    Pool(
                        name: pool.name, protocol: pool.protocol.rawValue, addresses: pool.ranges.map(\.description),
                        usable: pool.families.sorted().map { Usable(family: $0.rawValue, count: pool.usableCount($0).description) },
                        autoAssign: pool.autoAssign)
                },
                peers: config.peers.map { Peer(name: $0.name, address: $0.peerAddress.description, peerASN: $0.peerASN, myASN: $0.myASN) })
        }
    }

    struct Pool: Codable, Hashable {
        var name: String
        var `protocol`: String
        var addresses: [String]
        /// Usable addresses per family, as decimal strings (exact for a /64).
        var usable: [Usable]
        var autoAssign: Bool
    }

    struct Usable: Codable, Hashable {
        var family: String
        var count: String
    }

    struct Peer: Codable, Hashable {
        var name: String
        var address: String
        var peerASN: UInt32
        var myASN: UInt32
    }
}
