/// A CIDR prefix such as `192.0.2.0/24` or `2001:db8::/64`. The stored address is always the
/// network address: host bits given in the text are masked off, as Go's `net.ParseCIDR` (and so
/// MetalLB) does.
public struct IPPrefix: Hashable, Sendable, CustomStringConvertible, Codable {
    public let network: IPAddress
    /// Stored in a byte: with `IPAddress`'s 17 bytes the prefix fits a stride of 24 (an `Int`
    /// made it 32; a BGP table holds one per route).
    private let storedLength: UInt8
    public var length: Int { Int(storedLength) }

    public var family: IPFamily { network.family }

    /// Builds the prefix holding `address` with `length` network bits; nil if the length does not
    /// fit the family.
    public init?(address: IPAddress, length: Int) {
        guard length >= 0, length <= address.family.bitWidth else { return nil }
        self.storedLength = UInt8(length)
        self.network = IPAddress(
            family: address.family, value: address.value & IPPrefix.mask(family: address.family, length: length))!
    }

    /// Parses `ADDRESS/LENGTH`.
    public static func parse(_ text: String) throws(AddressParseError) -> IPPrefix {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw AddressParseError(input: text, reason: "not a CIDR prefix: expected ADDRESS/LENGTH like 192.0.2.0/24")
        }
        let addr: IPAddress
        do {
            addr = try IPAddress.parse(String(parts[0]))
        } catch {
            throw AddressParseError(input: text, reason: "bad address part: \(error.reason)")
        }
        let lenText = parts[1]
        guard !lenText.isEmpty, lenText.count <= 3, lenText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let len = Int(lenText), len <= addr.family.bitWidth
        else {
            throw AddressParseError(
                input: text,
                reason: "prefix length \"\(lenText)\" must be a number 0-\(addr.family.bitWidth) for \(addr.family)")
        }
        return IPPrefix(address: addr, length: len)!
    }

    public init?(_ text: String) {
        guard let p = try? IPPrefix.parse(text) else { return nil }
        self = p
    }

    /// The netmask of a prefix length, as an address value.
    public static func mask(family: IPFamily, length: Int) -> UInt128 {
        let hostBits = family.bitWidth - length
        if hostBits >= 128 { return 0 }
        return family.maxValue & ~((UInt128(1) << UInt128(hostBits)) &- 1)
    }

    public var first: IPAddress { network }

    public var last: IPAddress {
        IPAddress(family: family, value: network.value | (family.maxValue & ~IPPrefix.mask(family: family, length: length)))!
    }

    public var range: IPRange { IPRange(uncheckedFirst: first, last: last) }

    /// Exactly 2^(bits - length).
    public var count: AddressCount { .powerOfTwo(family.bitWidth - length) }

    public func contains(_ address: IPAddress) -> Bool {
        address.family == family
            && address.value & IPPrefix.mask(family: family, length: length) == network.value
    }

    public func contains(_ other: IPPrefix) -> Bool {
        other.family == family && other.length >= length && contains(other.network)
    }

    public func overlaps(_ other: IPPrefix) -> Bool {
        contains(other.network) || other.contains(network)
    }

    public var description: String { "\(network)/\(length)" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        do {
            self = try IPPrefix.parse(s)
        } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
