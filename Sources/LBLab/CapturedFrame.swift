import Foundation

/// One frame read back from a capture with `tcpdump -r FILE -e -n -tt`.
public struct CapturedFrame: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// "Request who-has TARGET tell SENDER" (gratuitous when target == sender).
        case arpRequest
        /// "Reply TARGET is-at MAC": `targetIP` is the IP being claimed, `claimedMAC` the MAC.
        case arpReply
        /// ICMPv6 neighbor solicitation, "who has TARGET".
        case neighborSolicitation
        /// ICMPv6 neighbor advertisement, "tgt is TARGET".
        case neighborAdvertisement
        /// Anything else (router solicitations, IPv4, ...); the text after the length.
        case other
    }

    /// Seconds since the epoch, microsecond resolution (tcpdump -tt).
    public var timestamp: Double
    public var sourceMAC: String
    public var destinationMAC: String
    public var kind: Kind
    /// For ARP: the IP asked about (request) or claimed (reply). For NDP: the target address.
    public var targetIP: String?
    /// For ARP: the sender IP ("tell X") of a request; for NDP: the IPv6 source address.
    public var senderIP: String?
    /// For an ARP reply: the MAC in "is-at".
    public var claimedMAC: String?
    /// The whole line, for messages.
    public var line: String

    /// Parses one line of `tcpdump -e -n -tt` output; nil for lines that are not frames
    /// ("reading from file ..."). Examples, captured on a lab veth with tcpdump 4.99.3:
    ///
    ///     1795247992.594825 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.11 tell 172.30.0.100, length 44
    ///     1795247992.594907 02:1b:00:00:00:01 > 02:1b:00:00:01:00, ethertype ARP (0x0806), length 42: Reply 172.30.0.11 is-at 02:1b:00:00:00:01, length 28
    ///     1795247993.166027 02:1b:00:00:01:00 > 33:33:ff:00:00:0b, ethertype IPv6 (0x86dd), length 86: fe80::1b:ff:fe00:100 > ff02::1:ff00:b: ICMP6, neighbor solicitation, who has fd00:1b::b, length 32
    ///     1795247993.166080 02:1b:00:00:00:01 > 02:1b:00:00:01:00, ethertype IPv6 (0x86dd), length 86: fd00:1b::b > fe80::1b:ff:fe00:100: ICMP6, neighbor advertisement, tgt is fd00:1b::b, length 32
    public static func parse(line: String) -> CapturedFrame? {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard words.count >= 5, let timestamp = Double(words[0]), words[2] == ">", isMAC(words[1]) else { return nil }
        let destination = words[3].hasSuffix(",") ? String(words[3].dropLast()) : words[3]
        guard isMAC(destination) else { return nil }
        var frame = CapturedFrame(timestamp: timestamp, sourceMAC: words[1].lowercased(),
                                  destinationMAC: destination.lowercased(), kind: .other, line: line)
        // The payload starts after the first ": " that follows the frame length.
        guard let payloadStart = line.range(of: "length ")?.upperBound,
              let colon = line[payloadStart...].range(of: ": ") else { return frame }
        let payload = line[colon.upperBound...].split(separator: " ").map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ",")) }
        if payload.first == "Request", let who = payload.firstIndex(of: "who-has"), who + 1 < payload.count {
            frame.kind = .arpRequest
            frame.targetIP = payload[who + 1]
            if let tell = payload.firstIndex(of: "tell"), tell + 1 < payload.count { frame.senderIP = payload[tell + 1] }
        } else if payload.first == "Reply", payload.count >= 4, payload[2] == "is-at" {
            frame.kind = .arpReply
            frame.targetIP = payload[1]
            frame.claimedMAC = payload[3].lowercased()
        } else if let icmp = payload.firstIndex(of: "ICMP6") {
            let rest = payload[(icmp + 1)...].joined(separator: " ")
            frame.senderIP = payload.first
            if rest.hasPrefix("neighbor solicitation"), let who = payload.firstIndex(of: "has"), who + 1 < payload.count {
                frame.kind = .neighborSolicitation
                frame.targetIP = payload[who + 1]
            } else if rest.hasPrefix("neighbor advertisement"), let tgt = payload.firstIndex(of: "is"), tgt + 1 < payload.count {
                frame.kind = .neighborAdvertisement
                frame.targetIP = payload[tgt + 1]
            }
        }
        return frame
    }

    /// Parses a whole `tcpdump -r` output, skipping lines that are not frames.
    public static func parse(output: String) -> [CapturedFrame] {
        output.split(separator: "\n").compactMap { parse(line: String($0)) }
    }

    static func isMAC(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 6 && parts.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isHexDigit) }
    }

    /// True for answers: ARP replies and neighbor advertisements.
    public var isAnswer: Bool { kind == .arpReply || kind == .neighborAdvertisement }
}
