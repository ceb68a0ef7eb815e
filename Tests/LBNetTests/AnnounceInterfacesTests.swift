import LBCore
import LBWire
import Testing

@testable import LBNet

@Suite struct AnnounceInterfacesTests {
    static func ip(_ text: String) -> IPAddress { IPAddress(text) ?? IPAddress(ipv4: 0) }
    static func addr(_ text: String, _ length: Int) -> InterfaceInfo.Address { .init(address: ip(text), prefixLength: length) }

    static let lo = InterfaceInfo(
        name: "lo", index: 1, mac: nil, flags: [.up, .loopback], addresses: [addr("127.0.0.1", 8), addr("::1", 128)])
    static let eth0 = InterfaceInfo(
        name: "eth0", index: 2, mac: MACAddress(2, 0, 0, 0, 0, 2), flags: [.up, .running],
        addresses: [addr("192.168.10.5", 24), addr("2001:db8:1::5", 64)])
    static let eth1 = InterfaceInfo(
        name: "eth1", index: 3, mac: MACAddress(2, 0, 0, 0, 0, 3), flags: [.up, .running],
        addresses: [addr("10.1.0.5", 16)])
    static let tun0 = InterfaceInfo(
        name: "tun0", index: 4, mac: nil, flags: [.up, .noARP], addresses: [addr("192.168.10.9", 24)])
    static let brPort = InterfaceInfo(
        name: "eth2", index: 5, mac: MACAddress(2, 0, 0, 0, 0, 5), flags: [.up],
        addresses: [addr("192.168.10.7", 24)], isBridgePort: true)
    static let bondMember = InterfaceInfo(
        name: "eth3", index: 6, mac: MACAddress(2, 0, 0, 0, 0, 6), flags: [.up],
        addresses: [addr("192.168.10.8", 24)], isBondMember: true)
    static let down = InterfaceInfo(
        name: "eth4", index: 7, mac: MACAddress(2, 0, 0, 0, 0, 7), flags: [], addresses: [addr("192.168.10.10", 24)])
    static let all = [bondMember, lo, eth0, eth1, tun0, brPort, down]

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let ip: String
        let pool: [String]?
        let chosen: [String]
        let skipped: [String: AnnounceInterfaces.SkipReason]
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(
            label: "IPv4 in eth0's subnet", ip: "192.168.10.200", pool: nil, chosen: ["eth0"],
            skipped: [
                "lo": .loopback, "eth1": .noAddressInSubnet, "tun0": .noARP, "eth2": .bridgePort,
                "eth3": .bondMember, "eth4": .down,
            ]),
        Case(
            label: "IPv6 in eth0's subnet", ip: "2001:db8:1::100", pool: nil, chosen: ["eth0"],
            skipped: [
                "lo": .loopback, "eth1": .noAddressInSubnet, "tun0": .noARP, "eth2": .bridgePort,
                "eth3": .bondMember, "eth4": .down,
            ]),
        Case(
            label: "IP in no subnet", ip: "203.0.113.7", pool: nil, chosen: [],
            skipped: [
                "lo": .loopback, "eth0": .noAddressInSubnet, "eth1": .noAddressInSubnet, "tun0": .noARP,
                "eth2": .bridgePort, "eth3": .bondMember, "eth4": .down,
            ]),
        Case(
            label: "pool interfaces win over subnets", ip: "203.0.113.7", pool: ["eth1", "lo", "nope", "eth2"],
            chosen: ["eth1"], skipped: ["lo": .loopback, "nope": .notFound, "eth2": .bridgePort]),
        Case(label: "empty pool list means subnets", ip: "10.1.2.3", pool: [], chosen: ["eth1"],
             skipped: [
                "lo": .loopback, "eth0": .noAddressInSubnet, "tun0": .noARP, "eth2": .bridgePort,
                "eth3": .bondMember, "eth4": .down,
             ]),
    ]

    @Test(arguments: cases)
    func selects(_ c: Case) {
        let selection = AnnounceInterfaces.select(for: Self.ip(c.ip), among: Self.all, poolInterfaces: c.pool)
        #expect(selection.chosen == c.chosen)
        #expect(selection.skipped == c.skipped)
    }

    @Test func multipleInterfacesInOneSubnetAreAllChosenInIndexOrder() {
        var other = Self.eth1
        other.addresses.append(Self.addr("192.168.10.6", 24))
        let selection = AnnounceInterfaces.select(for: Self.ip("192.168.10.1"), among: [other, Self.eth0])
        #expect(selection.chosen == ["eth0", "eth1"])
    }

    @Test func familyMismatchDoesNotMatch() {
        let selection = AnnounceInterfaces.select(for: Self.ip("::ffff:192.168.10.1"), among: [Self.eth0])
        #expect(selection.chosen.isEmpty)
    }
}
