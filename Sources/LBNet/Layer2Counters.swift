import LBCore

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
    /// Per owned IP, MetalLB's `metallb_layer2_requests_received{ip}`: ARP requests and neighbor
    /// solicitations for the IP that were answered (a reply was decided; sending may still fail).
    public var requestsReceivedByIP: [IPAddress: Int] = [:]
    /// Per IP, `metallb_layer2_responses_sent{ip}`: replies handed to the kernel.
    public var responsesSentByIP: [IPAddress: Int] = [:]
    /// Per IP, `metallb_layer2_gratuitous_sent{ip}`: gratuitous ARP / unsolicited NA frames sent.
    public var gratuitousSentByIP: [IPAddress: Int] = [:]
    /// Per IP, how often a foreign MAC claimed it (the per-IP split of `foreignAnswers`).
    public var foreignAnswersByIP: [IPAddress: Int] = [:]

    public init() {}

    public var description: String {
        let dropText = drops.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return "frames_received=\(framesReceived) arp_received=\(arpFramesReceived) ndp_received=\(ndpFramesReceived) "
            + "responses_sent=\(responsesSent) gratuitous_sent=\(gratuitousSent) foreign_answers=\(foreignAnswers) "
            + "send_errors=\(sendErrors) receive_errors=\(receiveErrors) drops={\(dropText)}"
    }
}
