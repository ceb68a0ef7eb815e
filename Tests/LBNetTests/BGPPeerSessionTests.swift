import Foundation
import LBCore
import LBProtocols
import LBWire
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import LBNet

/// `BGPPeerSession` against a scripted BGP peer on loopback (no root needed): session setup,
/// the table and End-of-RIB, incremental UPDATEs, attributes per session type, timers,
/// reconnects, NOTIFICATIONs for malformed input, stop, and a peer that does not read.
@Suite struct BGPPeerSessionTests {
    static let routerID: UInt32 = 0x0A00_0002

    static func configuration(
        localAS: UInt32 = 65000, peerAS: UInt32 = 65001, holdTime: UInt16 = 90
    ) -> BGPSessionConfiguration {
        BGPSessionConfiguration(
            localAS: localAS, peerAS: peerAS, routerID: routerID, holdTime: holdTime,
            connectRetryTime: .seconds(1), initialBackoff: .milliseconds(100), maximumBackoff: .milliseconds(400))
    }

    static func prefix(_ text: String) -> IPPrefix { IPPrefix(text)! }
    static func address(_ text: String) -> IPAddress { IPAddress(text)! }

    /// Runs `body` with a started scripted peer and a (not yet started) session pointed at it;
    /// stops both afterwards, also on failure.
    static func withSession(
        host: String = "127.0.0.1", script: BGPScriptedPeer.Script = .init(),
        configuration: BGPSessionConfiguration = configuration(), nextHopV4: IPAddress? = nil,
        nextHopV6: IPAddress? = nil, password: String? = nil,
        _ body: (BGPScriptedPeer, BGPPeerSession) async throws -> Void
    ) async throws {
        // A loop of its own per session, so a busy test does not delay another one's timers.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let peer = try await BGPScriptedPeer.start(host: host, script: script)
        let session = BGPPeerSession(
            endpoint: BGPPeerEndpoint(name: "scripted", address: address(host), port: peer.port, password: password),
            configuration: configuration, nextHopV4: nextHopV4, nextHopV6: nextHopV6,
            eventLoop: group.next(), logger: Logger(label: "test.bgp"))
        do {
            try await body(peer, session)
        } catch {
            await session.stop()
            await peer.shutdown()
            try? await group.shutdownGracefully()
            throw error
        }
        await session.stop()
        await peer.shutdown()
        try await group.shutdownGracefully()
    }

    static let table: [IPPrefix: BGPRouteAttributes] = [
        prefix("192.0.2.10/32"): BGPRouteAttributes(localPref: 150, communities: [BGPCommunity(value: 65000 << 16 | 100)]),
        prefix("192.0.2.11/32"): BGPRouteAttributes(localPref: 150, communities: [BGPCommunity(value: 65000 << 16 | 100)]),
        prefix("198.51.100.0/24"): BGPRouteAttributes(
            largeCommunities: [BGPLargeCommunity(global: 65000, local1: 1, local2: 2)]),
        prefix("2001:db8:1::10/128"): BGPRouteAttributes(communities: [BGPCommunity(value: 65000 << 16 | 200)]),
        prefix("2001:db8:1::/64"): BGPRouteAttributes(),
    ]

    static func waitEstablished(_ peer: BGPScriptedPeer, _ index: Int, families: Int = 2) async throws {
        try await BGPWait.until("connection \(index) gets End-of-RIB for \(families) families") {
            (peer.connection(index)?.endOfRIB.count ?? 0) >= families
        }
    }

    /// Waits for a session on a connection after `index` to get its End-of-RIB markers and
    /// returns that connection's index. (Under load a connect may be abandoned by the
    /// ConnectRetry timer after the peer accepted it, leaving an empty connection in between.)
    static func waitNextSession(_ peer: BGPScriptedPeer, after index: Int, families: Int = 2) async throws -> Int {
        var found: Int?
        try await BGPWait.until("a connection after \(index) gets End-of-RIB for \(families) families") {
            found = peer.connections.indices.first { $0 > index && peer.connections[$0].endOfRIB.count >= families }
            return found != nil
        }
        return found ?? -1
    }

    @Test func sendsTheFullTableThenEndOfRIB() async throws {
        try await Self.withSession(nextHopV6: Self.address("2001:db8::1")) { peer, session in
            session.setRoutes(Self.table)
            session.start()
            try await Self.waitEstablished(peer, 0)
            let connection = try #require(peer.connection(0))
            #expect(Set(connection.rib.keys) == Set(Self.table.keys))
            // End-of-RIB for both families comes after every route.
            let updates = connection.updates
            let lastRoute = try #require(updates.lastIndex { $0.endOfRIBFamily == nil })
            let firstEnd = try #require(updates.firstIndex { $0.endOfRIBFamily != nil })
            #expect(lastRoute < firstEnd)
            #expect(Set(connection.endOfRIB) == [.ipv4, .ipv6])
            // eBGP: AS_PATH [65000], no LOCAL_PREF, NEXT_HOP = the connection's local address.
            let v4 = try #require(connection.rib[Self.prefix("192.0.2.10/32")])
            #expect(v4.origin == .igp)
            #expect(v4.asPath == [.sequence([65000])])
            #expect(v4.nextHop == Self.address("127.0.0.1"))
            #expect(v4.localPref == nil)
            #expect(v4.communities == [BGPCommunity(value: 65000 << 16 | 100)])
            let large = try #require(connection.rib[Self.prefix("198.51.100.0/24")])
            #expect(large.largeCommunities == [BGPLargeCommunity(global: 65000, local1: 1, local2: 2)])
            #expect(large.communities.isEmpty)
            let v6 = try #require(connection.rib[Self.prefix("2001:db8:1::10/128")])
            #expect(v6.nextHop == Self.address("2001:db8::1"))
            #expect(v6.communities == [BGPCommunity(value: 65000 << 16 | 200)])
            try await BGPWait.until("status shows the table") {
                let s = session.status
                return s.state == .established && s.prefixesAdvertised == 5 && s.pendingPrefixes == 0
                    && s.sessionsEstablished == 1 && s.establishedSince != nil
                    && s.updatesSent == connection.updates.count
            }
        }
    }

    @Test func changesSendOnlyTheDifference() async throws {
        try await Self.withSession(nextHopV6: Self.address("2001:db8::1")) { peer, session in
            session.setRoutes(Self.table)
            session.start()
            try await Self.waitEstablished(peer, 0)
            let before = try #require(peer.connection(0)).updates.count
            var next = Self.table
            next[Self.prefix("192.0.2.11/32")] = nil
            next[Self.prefix("192.0.2.12/32")] = BGPRouteAttributes(communities: [BGPCommunity(value: 7)])
            next[Self.prefix("2001:db8:1::/64")] = nil
            next[Self.prefix("2001:db8:1::10/128")] = BGPRouteAttributes(communities: [BGPCommunity(value: 8)])
            session.setRoutes(next)
            try await BGPWait.until("the peer holds the new table") {
                let rib = peer.connection(0)?.rib ?? [:]
                return Set(rib.keys) == Set(next.keys) && rib[Self.prefix("2001:db8:1::10/128")]?.communities == [BGPCommunity(value: 8)]
            }
            let sent = Array(try #require(peer.connection(0)).updates.dropFirst(before))
            let withdrawn = sent.flatMap(\.withdrawn)
            let unreached = sent.flatMap { $0.attributes.mpUnreach?.withdrawn ?? [] }
            let announced = sent.flatMap(\.nlri)
            let reached = sent.flatMap { $0.attributes.mpReach?.nlri ?? [] }
            #expect(withdrawn == [Self.prefix("192.0.2.11/32")])
            #expect(unreached == [Self.prefix("2001:db8:1::/64")])
            #expect(announced == [Self.prefix("192.0.2.12/32")])
            #expect(reached == [Self.prefix("2001:db8:1::10/128")])
            #expect(sent.allSatisfy { $0.endOfRIBFamily == nil })
            try await BGPWait.until("status counts 4 advertised") { session.status.prefixesAdvertised == 4 }
        }
    }

    @Test func internalPeerGetsEmptyASPathAndLocalPref() async throws {
        var script = BGPScriptedPeer.Script()
        script.open = BGPOpen(asNumber: 65001, holdTime: 90, identifier: 0x0A00_0001, capabilities: [.ipv4Unicast])
        try await Self.withSession(script: script, configuration: Self.configuration(localAS: 65001, peerAS: 65001)) { peer, session in
            session.setRoutes(Self.table)
            session.start()
            try await Self.waitEstablished(peer, 0, families: 1)
            let connection = try #require(peer.connection(0))
            let route = try #require(connection.rib[Self.prefix("192.0.2.10/32")])
            #expect(route.asPath == [])
            #expect(route.localPref == 150)
            #expect(route.nextHop == Self.address("127.0.0.1"))
            // The peer negotiated no IPv6: those prefixes stay pending, and the reason is shown.
            #expect(connection.endOfRIB == [.ipv4])
            #expect(Set(connection.rib.keys) == Set(Self.table.keys.filter { $0.family == .ipv4 }))
            try await BGPWait.until("IPv6 pending with a reason") {
                let s = session.status
                return s.pendingPrefixes == 2 && (s.lastError ?? "").contains("IPv6 unicast")
            }
        }
    }

    @Test func fourOctetASBecomesASTransForAnOldPeer() async throws {
        var script = BGPScriptedPeer.Script()
        // No capabilities at all: no 4-octet AS, and IPv4 unicast is implied (RFC 4760 section 1).
        script.open = BGPOpen(myAS: 65001, holdTime: 90, identifier: 0x0A00_0001, capabilities: [])
        try await Self.withSession(script: script, configuration: Self.configuration(localAS: 4_200_000_001)) { peer, session in
            session.setRoutes(Self.table)
            session.start()
            try await Self.waitEstablished(peer, 0, families: 1)
            let connection = try #require(peer.connection(0))
            guard case .open(let ours) = try #require(connection.messages.first) else {
                Issue.record("first message is not an OPEN")
                return
            }
            #expect(ours.myAS == BGPOpen.asTrans)
            #expect(ours.asNumber == 4_200_000_001)
            let route = try #require(connection.rib[Self.prefix("192.0.2.10/32")])
            // The peer decodes AS_PATH as 2-octet numbers: AS_TRANS; AS4_PATH carries the real AS.
            #expect(route.asPath == [.sequence([UInt32(BGPOpen.asTrans)])])
            let as4 = try #require(route.other.first { $0.type == 17 })
            #expect(as4.flags & 0xC0 == 0xC0)
            #expect(as4.value == [2, 1, 0xFA, 0x56, 0xEA, 0x01])
        }
    }

    @Test func ipv6SessionUsesItsLocalAddressAsIPv6NextHop() async throws {
        try await Self.withSession(host: "::1", nextHopV4: Self.address("192.0.2.254")) { peer, session in
            session.setRoutes(Self.table)
            session.start()
            try await Self.waitEstablished(peer, 0)
            let connection = try #require(peer.connection(0))
            #expect(connection.rib[Self.prefix("2001:db8:1::/64")]?.nextHop == Self.address("::1"))
            #expect(connection.rib[Self.prefix("192.0.2.10/32")]?.nextHop == Self.address("192.0.2.254"))
            #expect(connection.rib.count == 5)
        }
    }

    @Test func ipv6SessionWithoutIPv4NextHopHoldsIPv4Back() async throws {
        try await Self.withSession(host: "::1") { peer, session in
            session.setRoutes(Self.table)
            session.start()
            try await Self.waitEstablished(peer, 0)
            let connection = try #require(peer.connection(0))
            #expect(Set(connection.rib.keys) == Set(Self.table.keys.filter { $0.family == .ipv6 }))
            try await BGPWait.until("IPv4 pending with a reason") {
                let s = session.status
                return s.pendingPrefixes == 3 && (s.lastError ?? "").contains("no IPv4 next hop")
            }
        }
    }

    @Test func holdTimeZeroSendsNoKeepalives() async throws {
        var zero = BGPScriptedPeer.Script()
        zero.open?.holdTime = 0
        var three = BGPScriptedPeer.Script()
        three.open?.holdTime = 3
        try await Self.withSession(script: three) { busyPeer, busy in
            try await Self.withSession(script: zero) { quietPeer, quiet in
                busy.start()
                quiet.start()
                let quietIndex = try await Self.waitNextSession(quietPeer, after: -1)
                let busyIndex = try await Self.waitNextSession(busyPeer, after: -1)
                #expect(quiet.status.negotiated?.holdTime == 0)
                #expect(quiet.status.negotiated?.keepaliveInterval == nil)
                #expect(await quiet.armedTimerDeadline() == nil)
                // Hold time 3 gives a KEEPALIVE every second: wait for three of them there.
                try await BGPWait.until("three keepalives on the hold-3 session") {
                    (busyPeer.connection(busyIndex)?.keepalives ?? 0) >= 3
                }
                // Only the KEEPALIVE that confirms the OPEN on the hold-0 session.
                #expect(quietPeer.connection(quietIndex)?.keepalives == 1)
            }
        }
    }

    @Test func reconnectsAndResendsTheTableWhenThePeerCloses() async throws {
        try await Self.withSession(nextHopV6: Self.address("2001:db8::1")) { peer, session in
            session.setRoutes(Self.table)
            session.start()
            try await Self.waitEstablished(peer, 0)
            await peer.close(0)
            let next = try await Self.waitNextSession(peer, after: 0)
            #expect(Set(try #require(peer.connection(next)).rib.keys) == Set(Self.table.keys))
            try await BGPWait.until("second session counted") {
                session.status.sessionsEstablished == 2 && session.status.state == .established
            }
        }
    }

    static func rawHeader(length: Int, type: UInt8) -> [UInt8] {
        [UInt8](repeating: 0xFF, count: 16) + [UInt8(length >> 8), UInt8(length & 0xFF), type]
    }

    static func encoded(_ message: BGPMessage) -> [UInt8] {
        (try? Array(message.encoded().readableBytesView)) ?? []
    }

    /// (what the peer sends instead of its OPEN, the NOTIFICATION code and subcode we must send)
    static let malformedOpens: [(String, [UInt8], UInt8, UInt8)] = [
        ("version 3", encoded(.open(BGPOpen(version: 3, myAS: 65001, holdTime: 90, identifier: 1, capabilities: []))), 2, 1),
        ("hold time 1", encoded(.open(BGPOpen(myAS: 65001, holdTime: 1, identifier: 1, capabilities: []))), 2, 6),
        ("wrong AS", encoded(.open(BGPOpen(myAS: 65009, holdTime: 90, identifier: 1, capabilities: []))), 2, 2),
        ("bad marker", [0xFE] + rawHeader(length: 19, type: 4).dropFirst(), 1, 1),
        ("bad type", rawHeader(length: 19, type: 9), 1, 3),
    ]

    @Test(arguments: 0..<malformedOpens.count)
    func malformedOpenGetsTheRightNotificationThenReconnects(_ index: Int) async throws {
        let (name, bytes, code, subcode) = Self.malformedOpens[index]
        var script = BGPScriptedPeer.Script()
        script.rawOpen = bytes
        try await Self.withSession(script: script) { peer, session in
            session.start()
            // The first connection and at least one reconnect each get the NOTIFICATION.
            try await BGPWait.until("\(name): NOTIFICATIONs on two connections \(peer.connections.map { c in (c.messages.map(\.summary), c.closed) })") {
                peer.connections.filter { !$0.notifications.isEmpty }.count >= 2
            }
            for connection in peer.connections {
                guard let notification = connection.notifications.first else { continue }
                #expect(connection.notifications.count == 1, "\(name)")
                #expect(notification.code == code, "\(name)")
                #expect(notification.subcode == subcode, "\(name)")
            }
            let lastError = session.status.lastError ?? ""
            #expect(lastError.hasPrefix("sent NOTIFICATION") && lastError.contains("\(code)/\(subcode)"), "\(lastError)")
        }
    }

    /// (what the peer sends once Established, the NOTIFICATION code and subcode we must send)
    static let malformedUpdates: [(String, [UInt8], UInt8, UInt8)] = [
        ("withdrawn length overruns", rawHeader(length: 23, type: 2) + [0x00, 0x10, 0x00, 0x00], 3, 1),
        ("NLRI /33", rawHeader(length: 28, type: 2) + [0, 0, 0, 0, 33, 10, 0, 0, 1], 3, 10),
        ("OPEN in Established", encoded(.open(BGPOpen(myAS: 65001, holdTime: 90, identifier: 1, capabilities: []))), 5, 3),
        ("short KEEPALIVE length", rawHeader(length: 20, type: 4) + [0], 1, 2),
    ]

    @Test(arguments: 0..<malformedUpdates.count)
    func malformedMessageWhenEstablishedGetsTheRightNotificationThenReconnects(_ index: Int) async throws {
        let (name, bytes, code, subcode) = Self.malformedUpdates[index]
        try await Self.withSession(nextHopV6: Self.address("2001:db8::1")) { peer, session in
            session.setRoutes(Self.table)
            session.start()
            try await Self.waitEstablished(peer, 0)
            try await peer.send(bytes, on: 0)
            try await BGPWait.until("\(name): NOTIFICATION") { !(peer.connection(0)?.notifications.isEmpty ?? true) }
            let notification = try #require(peer.connection(0)?.notifications.first)
            #expect(notification.code == code, "\(name)")
            #expect(notification.subcode == subcode, "\(name)")
            try await BGPWait.until("\(name): the connection is closed") { peer.connection(0)?.closed == true }
            let next = try await Self.waitNextSession(peer, after: 0)
            #expect(Set(try #require(peer.connection(next)).rib.keys) == Set(Self.table.keys))
        }
    }

    @Test func silentPeerGetsHoldTimerExpiredThenReconnect() async throws {
        // Hold time 3 s: the scripted peer sends no KEEPALIVE after its first one.
        var script = BGPScriptedPeer.Script()
        script.open?.holdTime = 3
        try await Self.withSession(script: script, nextHopV6: Self.address("2001:db8::1")) { peer, session in
            session.start()
            let first = try await Self.waitNextSession(peer, after: -1)
            try await BGPWait.until("Hold Timer Expired NOTIFICATION", timeout: .seconds(8)) {
                !(peer.connection(first)?.notifications.isEmpty ?? true)
            }
            let notification = try #require(peer.connection(first)?.notifications.first)
            #expect(notification.code == BGPNotification.Code.holdTimerExpired)
            #expect(notification.subcode == 0)
            _ = try await Self.waitNextSession(peer, after: first)
            try await BGPWait.until("second session") { session.status.sessionsEstablished == 2 }
        }
    }

    @Test func routeRefreshReadvertisesThatFamily() async throws {
        try await Self.withSession(nextHopV6: Self.address("2001:db8::1")) { peer, session in
            session.setRoutes(Self.table)
            session.start()
            let index = try await Self.waitNextSession(peer, after: -1)
            let before = try #require(peer.connection(index)).updates.count
            try await peer.send(.routeRefresh(BGPRouteRefresh(afi: 1, safi: 1)), on: index)
            let v4 = Set(Self.table.keys.filter { $0.family == .ipv4 })
            try await BGPWait.until("IPv4 routes sent again") {
                let again = (peer.connection(index)?.updates ?? []).dropFirst(before)
                return Set(again.flatMap(\.nlri)) == v4
            }
            let again = Array(try #require(peer.connection(index)).updates.dropFirst(before))
            #expect(again.allSatisfy { $0.attributes.mpReach == nil && $0.withdrawn.isEmpty })
            #expect(session.status.state == .established)
        }
    }

    @Test func routesFromThePeerAreCountedAndIgnored() async throws {
        try await Self.withSession(nextHopV6: Self.address("2001:db8::1")) { peer, session in
            session.start()
            try await Self.waitEstablished(peer, 0)
            let update = BGPUpdate(
                attributes: BGPPathAttributes(origin: .igp, asPath: [.sequence([65001])], nextHop: Self.address("127.0.0.1")),
                nlri: [Self.prefix("203.0.113.0/24"), Self.prefix("203.0.114.0/24")])
            try await peer.send(.update(update), on: 0)
            try await BGPWait.until("received routes counted") {
                session.status.updatesReceived == 1 && session.status.prefixesReceived == 2
            }
            #expect(session.status.state == .established)
            #expect(session.status.prefixesAdvertised == 0)
        }
    }

    @Test func stopSendsCeaseAndDoesNotReconnect() async throws {
        try await Self.withSession(nextHopV6: Self.address("2001:db8::1")) { peer, session in
            session.setRoutes(Self.table)
            session.start()
            try await Self.waitEstablished(peer, 0)
            await session.stop()
            try await BGPWait.until("Cease arrives and the connection closes") {
                peer.connection(0)?.notifications.isEmpty == false && peer.connection(0)?.closed == true
            }
            let cease = try #require(peer.connection(0)?.notifications.first)
            #expect(cease.code == BGPNotification.Code.cease)
            #expect(cease.subcode == BGPNotification.CeaseSubcode.administrativeShutdown)
            #expect(session.status.state == .idle)
            // Several connect-retry and backoff periods later there is still one connection.
            try await Task.sleep(for: .milliseconds(1500))
            #expect(peer.connections.count == 1)
            session.start()  // a stopped session stays stopped
            try await Task.sleep(for: .milliseconds(500))
            #expect(peer.connections.count == 1)
        }
    }

    @Test func refusedConnectsNameTheErrnoAndRetry() async throws {
        let closed = try await BGPScriptedPeer.start()
        let port = closed.port
        await closed.shutdown()
        let session = BGPPeerSession.start(
            endpoint: BGPPeerEndpoint(name: "nobody", address: Self.address("127.0.0.1"), port: port),
            configuration: Self.configuration(), eventLoop: MultiThreadedEventLoopGroup.singleton.next(),
            logger: Logger(label: "test.bgp"))
        // Connect -> refused -> Active -> ConnectRetry -> Connect again.
        try await BGPWait.withTimeout(.seconds(10)) {
            var states: [BGPSessionState] = []
            for await status in session.statusChanges() {
                if states.last != status.state { states.append(status.state) }
                if (status.lastError ?? "").contains("Connection refused"), states.firstIndex(of: .active).map({ states[$0...].contains(.connect) }) == true {
                    return
                }
            }
        }
        #expect(session.status.lastError?.contains("connect to 127.0.0.1 port \(port) failed: Connection refused") == true)
        await session.stop()
    }

    @Test func md5PasswordThePeerDoesNotHaveLooksLikeATimeout() async throws {
        // The peer has no key: its kernel drops our signed SYNs (RFC 2385 section 2.0), so the
        // connect times out, and the status says what that usually means.
        try await Self.withSession(password: "not-configured-there") { peer, session in
            session.start()
            try await BGPWait.until("a connect timeout naming TCP MD5") {
                (session.status.lastError ?? "").contains("timed out")
                    && (session.status.lastError ?? "").contains("TCP MD5 password mismatch")
            }
            #expect(peer.connections.isEmpty)
            #expect(session.status.sessionsEstablished == 0)
        }
    }

    @Test func stopWhileConnectingIsNotReportedAsATimeout() async throws {
        try await Self.withSession(password: "not-configured-there") { _, session in
            session.start()
            try await BGPWait.until("connecting") { session.status.state == .connect }
            // On a loaded machine a 1 s connect timeout may already have passed (and been
            // recorded, rightly) before the stop; the stop itself must not add one.
            let before = session.status.lastError
            await session.stop()
            #expect(session.status.state == .idle)
            let after = session.status.lastError
            #expect(after == before || !(after ?? "").contains("timed out"), "before: \(before ?? "-"), after: \(after ?? "-")")
        }
    }

    @Test func slowPeerDoesNotMakeTheSessionBuffer() async throws {
        var script = BGPScriptedPeer.Script()
        script.smallReceiveBuffer = true
        try await Self.withSession(script: script) { peer, session in
            session.start()
            try await Self.waitEstablished(peer, 0)
            try await peer.setReading(false, on: 0)
            // Every route with its own communities: one UPDATE of about 420 octets per prefix, so
            // 12 tables of 2000 are about 10 MB of UPDATEs if they were queued, more than the
            // kernel's socket buffers (4 MB at most) can hide.
            let perRound = 2000
            let padding = (0..<98).map { BGPCommunity(value: UInt32(65000) << 16 | UInt32($0)) }
            var last: [IPPrefix: BGPRouteAttributes] = [:]
            for round in 0..<12 {
                var routes: [IPPrefix: BGPRouteAttributes] = [:]
                for i in 0..<perRound {
                    let value = UInt32(10) << 24 | UInt32(round) << 16 | UInt32(i)
                    routes[IPPrefix(address: IPAddress(ipv4: value), length: 32)!] = BGPRouteAttributes(
                        communities: [BGPCommunity(value: UInt32(round)), BGPCommunity(value: UInt32(i))] + padding)
                }
                session.setRoutes(routes)
                last = routes
                let status = session.status
                #expect(status.pendingPrefixes <= perRound)
            }
            try await BGPWait.until("the session stops writing: the peer is not reading") {
                session.status.pendingPrefixes > 0 && session.status.prefixesAdvertised > 0
            }
            let buffered = await session.bufferedOutboundBytes()
            // NIO's high water mark (64 KiB) plus at most one batch (32 KiB and one group).
            #expect(buffered <= 160 * 1024, "buffered \(buffered) bytes")
            #expect(session.status.pendingPrefixes <= perRound)
            try await peer.setReading(true, on: 0)
            try await BGPWait.until("the peer converges on the last table", timeout: .seconds(30)) {
                let rib = peer.connection(0)?.rib ?? [:]
                return rib.count == perRound && Set(rib.keys) == Set(last.keys)
            }
            try await BGPWait.until("nothing pending") { session.status.pendingPrefixes == 0 }
        }
    }
}
