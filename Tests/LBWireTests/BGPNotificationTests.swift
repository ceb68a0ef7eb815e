import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

@Suite struct BGPNotificationTests {
    typealias N = BGPNotification

    /// Every code and subcode of RFC 4271 sections 4.5 and 6 (plus RFC 5492, 6608, 4486, 7313)
    /// has its RFC name, so logs read "OPEN Message Error / Unacceptable Hold Time".
    @Test(arguments: [
        (1, 1, "Message Header Error", "Connection Not Synchronized"),
        (1, 2, "Message Header Error", "Bad Message Length"),
        (1, 3, "Message Header Error", "Bad Message Type"),
        (2, 0, "OPEN Message Error", "Unspecific"),
        (2, 1, "OPEN Message Error", "Unsupported Version Number"),
        (2, 2, "OPEN Message Error", "Bad Peer AS"),
        (2, 3, "OPEN Message Error", "Bad BGP Identifier"),
        (2, 4, "OPEN Message Error", "Unsupported Optional Parameter"),
        (2, 5, "OPEN Message Error", "Authentication Failure (deprecated)"),
        (2, 6, "OPEN Message Error", "Unacceptable Hold Time"),
        (2, 7, "OPEN Message Error", "Unsupported Capability"),
        (3, 1, "UPDATE Message Error", "Malformed Attribute List"),
        (3, 2, "UPDATE Message Error", "Unrecognized Well-known Attribute"),
        (3, 3, "UPDATE Message Error", "Missing Well-known Attribute"),
        (3, 4, "UPDATE Message Error", "Attribute Flags Error"),
        (3, 5, "UPDATE Message Error", "Attribute Length Error"),
        (3, 6, "UPDATE Message Error", "Invalid ORIGIN Attribute"),
        (3, 7, "UPDATE Message Error", "AS Routing Loop (deprecated)"),
        (3, 8, "UPDATE Message Error", "Invalid NEXT_HOP Attribute"),
        (3, 9, "UPDATE Message Error", "Optional Attribute Error"),
        (3, 10, "UPDATE Message Error", "Invalid Network Field"),
        (3, 11, "UPDATE Message Error", "Malformed AS_PATH"),
        (5, 1, "Finite State Machine Error", "Receive Unexpected Message in OpenSent State"),
        (5, 2, "Finite State Machine Error", "Receive Unexpected Message in OpenConfirm State"),
        (5, 3, "Finite State Machine Error", "Receive Unexpected Message in Established State"),
        (6, 1, "Cease", "Maximum Number of Prefixes Reached"),
        (6, 2, "Cease", "Administrative Shutdown"),
        (6, 3, "Cease", "Peer De-configured"),
        (6, 4, "Cease", "Administrative Reset"),
        (6, 5, "Cease", "Connection Rejected"),
        (6, 6, "Cease", "Other Configuration Change"),
        (6, 7, "Cease", "Connection Collision Resolution"),
        (6, 8, "Cease", "Out of Resources"),
        (7, 1, "ROUTE-REFRESH Message Error", "Invalid Message Length"),
    ] as [(UInt8, UInt8, String, String)])
    func namesEveryCodeAndSubcode(_ code: UInt8, _ subcode: UInt8, _ codeName: String, _ subcodeName: String) throws {
        let n = N(code: code, subcode: subcode)
        #expect(n.codeName == codeName)
        #expect(n.subcodeName == subcodeName)
        #expect(n.description == "NOTIFICATION \(code)/\(subcode) \(codeName) / \(subcodeName)")
        #expect(try BGPTest.decodeOne(BGPMessage.notification(n).encoded()) == .notification(n))
    }

    @Test func codesWithoutSubcodesAndUnknownOnes() {
        #expect(N(code: 4, subcode: 0).description == "NOTIFICATION 4/0 Hold Timer Expired")
        #expect(N(code: 3, subcode: 42).description == "NOTIFICATION 3/42 UPDATE Message Error")
        #expect(N(code: 99, subcode: 1).description == "NOTIFICATION 99/1 unknown error code")
    }

    @Test func dataIsShownInHex() {
        let n = N(code: 1, subcode: 2, data: [0x10, 0x01])
        #expect(n.description == "NOTIFICATION 1/2 Message Header Error / Bad Message Length, data 1001")
        let long = N(code: 3, subcode: 2, data: [UInt8](repeating: 0xAB, count: 40))
        #expect(long.description.hasSuffix(String(repeating: "ab", count: 32) + "... (40 octets)"))
    }

    /// RFC 9003: a length octet and UTF-8 text, at most 255 octets, cut at a character boundary.
    @Test func shutdownCommunication() throws {
        let n = N.administrativeShutdown(communication: "maintenance window 42")
        #expect(n.code == 6 && n.subcode == 2)
        #expect(n.data == [21] + Array("maintenance window 42".utf8))
        #expect(n.shutdownCommunication == "maintenance window 42")
        #expect(N.administrativeShutdown().data.isEmpty)
        #expect(N.administrativeShutdown().shutdownCommunication == nil)
        let long = N.administrativeShutdown(communication: String(repeating: "é", count: 200))
        #expect(long.data.count == 1 + 254 && long.data[0] == 254)
        #expect(long.shutdownCommunication == String(repeating: "é", count: 127))
        // Not UTF-8, or a length that disagrees with the data: shown as data, not as text.
        let bad = N(code: 6, subcode: 2, data: [2, 0xFF, 0xFE])
        #expect(bad.shutdownCommunication == nil)
        #expect(bad.description.hasSuffix("data 02fffe"))
        #expect(N(code: 6, subcode: 4, data: [3, 0x61]).shutdownCommunication == nil)
        #expect(N(code: 6, subcode: 4, data: [1, 0x61]).shutdownCommunication == "a")
    }

    /// Every decode error maps to a NOTIFICATION whose description names it.
    @Test(arguments: BGPMessageDecoderTests.cases)
    func decodeErrorsReadWell(_ c: MalformedCase) {
        var decoder = c.decoder
        var buffer = c.bytes
        do {
            _ = try decoder.parseStep(&buffer)
        } catch {
            #expect(error.notification.subcodeName != nil || error.notification.subcode == 0)
            #expect(error.description.contains(error.notification.codeName))
        }
    }
}
