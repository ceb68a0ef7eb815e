import BenchSupport
import Foundation

/// The routes every announcer advertises: `count` consecutive /32s from 10.100.0.0
/// (10,000 of them end at 10.100.39.15).
struct RouteSet {
    let count: Int
    static let base: UInt32 = 0x0A64_0000  // 10.100.0.0

    init(count: Int) { self.count = count }

    func address(_ i: Int) -> String {
        let value = Self.base + UInt32(i)
        return "\(value >> 24).\((value >> 16) & 0xff).\((value >> 8) & 0xff).\(value & 0xff)"
    }

    var prefixes: [String] { (0..<count).map { "\(address($0))/32" } }
    var first: String { address(0) }
    var last: String { address(count - 1) }

    /// The set as the fewest CIDR blocks (for an address pool of exactly these IPs).
    var cidrs: [String] {
        var blocks: [String] = []
        var start = Self.base
        let end = Self.base + UInt32(count)  // exclusive
        while start < end {
            var length = 32
            // Grow the block while it stays aligned and inside the range.
            while length > 0 {
                let size = UInt32(1) << UInt32(32 - (length - 1))
                if start % size != 0 || start + size > end { break }
                length -= 1
            }
            let value = start
            blocks.append("\(value >> 24).\((value >> 16) & 0xff).\((value >> 8) & 0xff).\(value & 0xff)/\(length)")
            start += UInt32(1) << UInt32(32 - length)
        }
        return blocks
    }

    /// An MRT TABLE_DUMP_V2 file (RFC 6396 section 4.3) holding the set, for `gobgp mrt inject
    /// global`, which loads it into gobgpd's global RIB through the gRPC API in one stream (the
    /// CLI's `global rib add` costs a process and about 5 ms per route). Each route carries
    /// ORIGIN IGP, an empty AS_PATH and NEXT_HOP `nextHop`; gobgpd rewrites the next hop and
    /// prepends its AS towards an eBGP peer as for any route of its own.
    ///
    /// gobgp 3.10's injector drops the last few hundred routes of a file (it exits before its
    /// queue drains), so the set is written `copies` times: re-adding a route it already holds
    /// changes nothing, and the loss falls on the repeat.
    func mrt(nextHop: String, peerAS: UInt32, copies: Int = 2) -> Data {
        var out = Data()
        func u8(_ v: UInt8, _ d: inout Data) { d.append(v) }
        func u16(_ v: UInt16, _ d: inout Data) { d.append(UInt8(v >> 8)); d.append(UInt8(v & 0xff)) }
        func u32(_ v: UInt32, _ d: inout Data) { for shift in [24, 16, 8, 0] { d.append(UInt8((v >> UInt32(shift)) & 0xff)) } }
        func ipv4(_ text: String, _ d: inout Data) { for part in text.split(separator: ".") { d.append(UInt8(part) ?? 0) } }
        func record(subtype: UInt16, _ body: Data) {
            u32(0, &out)          // timestamp
            u16(13, &out)         // TABLE_DUMP_V2
            u16(subtype, &out)
            u32(UInt32(body.count), &out)
            out.append(body)
        }
        // PEER_INDEX_TABLE (4.3.1): collector id, empty view name, one peer (AS4, IPv4).
        var index = Data()
        ipv4(nextHop, &index)
        u16(0, &index)
        u16(1, &index)
        u8(0x02, &index)
        ipv4(nextHop, &index)
        ipv4(nextHop, &index)
        u32(peerAS, &index)
        record(subtype: 1, index)
        // Path attributes (RFC 4271 4.3): ORIGIN IGP, empty AS_PATH, NEXT_HOP.
        var attributes = Data([0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4])
        ipv4(nextHop, &attributes)
        var sequence: UInt32 = 0
        for _ in 0..<copies {
            for i in 0..<count {
                // RIB_IPV4_UNICAST (4.3.2): sequence, prefix, one RIB entry (4.3.4).
                var body = Data()
                u32(sequence, &body)
                sequence &+= 1
                u8(32, &body)
                u32(Self.base + UInt32(i), &body)
                u16(1, &body)
                u16(0, &body)  // peer index
                u32(0, &body)  // originated time
                u16(UInt16(attributes.count), &body)
                body.append(attributes)
                record(subtype: 2, body)
            }
        }
        return out
    }
}

/// One TCP segment of a BGP session from a capture.
struct BGPSegment {
    var time: Double
    var source: String
    /// TCP payload bytes.
    var length: Int
}

enum BGPCapture {
    /// Parses `tcpdump -r FILE -n -tt` lines for TCP segments with a payload:
    /// `1795259183.145529 IP 172.30.0.11.46499 > 172.30.0.100.179: Flags [P.], seq 1:4097, ..., length 4096: BGP`.
    static func segments(_ output: String) -> [BGPSegment] {
        var result: [BGPSegment] = []
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count > 4, words[1] == "IP", let time = Double(words[0]),
                  let lengthIndex = words.lastIndex(of: "length"), lengthIndex + 1 < words.count,
                  let length = Int(words[lengthIndex + 1].trimmingCharacters(in: CharacterSet(charactersIn: ":,")))
            else { continue }
            // "172.30.0.11.46499" -> "172.30.0.11"
            let endpoint = words[2].split(separator: ".")
            guard endpoint.count == 5 else { continue }
            result.append(BGPSegment(time: time, source: endpoint.prefix(4).joined(separator: "."), length: length))
        }
        return result
    }

    /// Segments from `source` carrying more than a KEEPALIVE (19 bytes): UPDATEs (and the OPEN,
    /// which comes before Established and so before any time asked about here).
    static func updates(_ segments: [BGPSegment], from source: String, after time: Double) -> [BGPSegment] {
        segments.filter { $0.source == source && $0.time >= time && $0.length > 19 }
    }
}
