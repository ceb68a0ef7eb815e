/// What a `Layer2Announcer` has done, for metrics and for `l2-responder`'s exit summary.
public struct Layer2Counters: Hashable, Sendable, CustomStringConvertible {
    /// Frames the kernel filter passed to us (ARP, ICMPv6 NS/NA).
    public var framesReceived = 0
    /// Frames handed to the ARP responder (IPv4) / NDP responder (IPv6).
    public var arpFramesReceived = 0
    public var ndpFramesReceived = 0
    /// Replies sent (ARP replies, solicited NAs).
    public var responsesSent = 0
    /// Gratuitous ARP (both forms) and unsolicited NA frames sent.
    public var gratuitousSent = 0
    /// A foreign MAC answered for one of our IPs (DESIGN.md: reported, never fought over).
    public var foreignAnswers = 0
    public var sendErrors = 0
    public var receiveErrors = 0
    /// Frames not answered, by `Layer2DropReason.label` (plus "unknownEtherType").
    public var drops: [String: Int] = [:]

    public init() {}

    public var description: String {
        let dropText = drops.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return "frames_received=\(framesReceived) arp_received=\(arpFramesReceived) ndp_received=\(ndpFramesReceived) "
            + "responses_sent=\(responsesSent) gratuitous_sent=\(gratuitousSent) foreign_answers=\(foreignAnswers) "
            + "send_errors=\(sendErrors) receive_errors=\(receiveErrors) drops={\(dropText)}"
    }
}
