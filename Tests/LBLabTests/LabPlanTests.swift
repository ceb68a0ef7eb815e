import Testing

@testable import LBLab

/// Names and addresses are computed before anything is created; these need no root.
@Suite struct LabPlanTests {
    @Test func interfaceNamesFitIFNAMSIZAtTheLimits() throws {
        let plan = try LabPlan(prefix: "abcdefgh", nodeCount: LabPlan.maxNodes, secondNetwork: true)
        let names = plan.networks.map(\.bridge) + plan.hosts.flatMap { $0.interfaces.flatMap { [$0.name, $0.switchPort] } }
        #expect(names.allSatisfy { $0.utf8.count <= 15 }, "\(names.filter { $0.utf8.count > 15 })")
        #expect(Set(names).count == names.count, "names are unique")
        #expect(names.allSatisfy { $0.hasPrefix("abcdefgh") })
        #expect(plan.namespaces.allSatisfy { $0.hasPrefix("abcdefgh-") })
        #expect(Set(plan.namespaces).count == LabPlan.maxNodes + 2)
    }

    @Test func addressesAndMACs() throws {
        let plan = try LabPlan(prefix: "t1", nodeCount: 3, secondNetwork: true)
        #expect(plan.nodes.map(\.primary.ipv4) == ["172.30.0.11", "172.30.0.12", "172.30.0.13"])
        #expect(plan.nodes.map(\.primary.ipv6) == ["fd00:1b::b", "fd00:1b::c", "fd00:1b::d"])
        #expect(plan.client.primary.ipv4 == "172.30.0.100" && plan.client.primary.ipv6 == "fd00:1b::64")
        #expect(plan.nodes[1].secondary?.ipv4 == "172.31.0.12" && plan.nodes[1].secondary?.ipv6 == "fd00:1c::c")
        #expect(plan.networks[0].switchIPv4 == "172.30.0.1" && plan.networks[1].switchIPv6 == "fd00:1c::1")
        let macs = plan.hosts.flatMap { $0.interfaces.map(\.mac) } + plan.networks.map(\.bridgeMAC)
        #expect(Set(macs).count == macs.count)
        #expect(plan.nodes[0].primary.mac == "02:1b:00:00:00:01" && plan.nodes[2].secondary?.mac == "02:1b:01:00:00:03")
        #expect(try LabPlan(prefix: "t1", nodeCount: 1, secondNetwork: false).client.secondary == nil)
    }

    @Test(arguments: ["", "toolongpx", "Upper", "a-b", "ä"])
    func badPrefixesAreRefused(prefix: String) {
        #expect(throws: LabError.self) { try LabPlan(prefix: prefix, nodeCount: 1, secondNetwork: false) }
    }

    @Test(arguments: [0, LabPlan.maxNodes + 1])
    func badNodeCountsAreRefused(count: Int) {
        #expect(throws: LabError.self) { try LabPlan(prefix: "ok", nodeCount: count, secondNetwork: false) }
    }
}
