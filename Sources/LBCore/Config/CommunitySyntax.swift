/// A community as written in a config: RFC 1997 `ASN:VALUE` (each half 0-65535, as MetalLB
/// v0.12 reads it) or, an IronLB extension, an RFC 8092 large community
/// `large:GLOBAL:LOCAL1:LOCAL2` (each part 0-4294967295).
enum CommunityValue: Sendable, Hashable {
    case standard(BGPCommunity)
    case large(BGPLargeCommunity)

    /// What a community must look like, for messages.
    static let syntax = "ASN:VALUE with each half 0-65535 (like 65535:65282), or large:GLOBAL:LOCAL1:LOCAL2 with each part 0-4294967295"

    /// Parses a literal community; the error is a reason written to follow the quoted text.
    static func parse(_ text: String) -> Result<CommunityValue, CommunityError> {
        if text.hasPrefix("large:") {
            let parts = text.dropFirst("large:".count).split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3 else {
                return .failure(CommunityError(reason: "a large community needs three parts: large:GLOBAL:LOCAL1:LOCAL2"))
            }
            var values: [UInt32] = []
            for (name, part) in zip(["GLOBAL", "LOCAL1", "LOCAL2"], parts) {
                guard let v = decimal(part, max: UInt64(UInt32.max)) else {
                    return .failure(CommunityError(reason: "large community part \(name) \"\(part)\" must be a number 0-4294967295"))
                }
                values.append(UInt32(v))
            }
            return .success(.large(BGPLargeCommunity(global: values[0], local1: values[1], local2: values[2])))
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            return .failure(CommunityError(reason: "expected a community: \(syntax)"))
        }
        guard let asn = decimal(parts[0], max: 65535) else {
            return .failure(CommunityError(reason: "community ASN half \"\(parts[0])\" must be a number 0-65535"))
        }
        guard let local = decimal(parts[1], max: 65535) else {
            return .failure(CommunityError(reason: "community value half \"\(parts[1])\" must be a number 0-65535"))
        }
        return .success(.standard(BGPCommunity(asn: UInt16(asn), local: UInt16(local))))
    }

    /// Unsigned decimal digits only, at most `max` (Go's `strconv.ParseUint(s, 10, bits)`).
    private static func decimal(_ text: Substring, max: UInt64) -> UInt64? {
        guard !text.isEmpty, text.utf8.count <= 20, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        guard let v = UInt64(text), v <= max else { return nil }
        return v
    }
}

struct CommunityError: Error {
    let reason: String
}
