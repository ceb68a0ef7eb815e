import Testing

@testable import LBNet

#if canImport(Glibc)
import Glibc
#endif

@Suite struct LBNetErrorTests {
    @Test func namesInterfaceOperationAndErrnoText() {
        let error = LBNetError(operation: "bind(AF_PACKET)", interface: "eth9", errno: ENODEV)
        #expect(error.description == "bind(AF_PACKET) on eth9: No such device (errno 19)")
    }

    @Test func openingAMissingInterfaceThrowsNamingIt() {
        #expect(throws: LBNetError.self) { try PacketSocket(interface: "ilbn-missing0") }
        do {
            _ = try PacketSocket(interface: "ilbn-missing0")
        } catch {
            #expect(error.interface == "ilbn-missing0")
        }
    }

    @Test func interfacesListIncludesLoopback() throws {
        let list = try Interfaces.list()
        let lo = try #require(list.first { $0.name == "lo" })
        #expect(lo.flags.contains(.loopback))
        #expect(lo.addresses.contains { $0.description == "127.0.0.1/8" })
    }
}
