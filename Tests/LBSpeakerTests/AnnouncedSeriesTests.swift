import LBCore
import Testing

@testable import LBSpeaker

/// `metallb_speaker_announced` rendered outside the registry: MetalLB's labels, escaped values,
/// and a change of 10,000 series that costs one render (the registry copied its table per gauge).
struct AnnouncedSeriesTests {
    @Test func rendersOneSeriesPerIPAndServiceWithEscapedLabels() {
        let metrics = SpeakerMetrics()
        let ip = Fixtures.ip("192.0.2.10")
        metrics.setAnnounced(
            [.init(ip: ip, service: Fixtures.key("web"), protocol: .layer2),
             .init(ip: ip, service: ServiceKey(namespace: "odd", name: "a\"b"), protocol: .bgp)],
            node: "node-a")
        let text = metrics.emitToString()
        #expect(text.contains("# TYPE metallb_speaker_announced gauge"))
        #expect(text.contains(#"metallb_speaker_announced{ip="192.0.2.10",node="node-a",protocol="layer2",service="default/web"} 1"#))
        #expect(text.contains(#"metallb_speaker_announced{ip="192.0.2.10",node="node-a",protocol="bgp",service="odd/a\"b"} 1"#))
        metrics.setAnnounced([], node: "node-a")
        #expect(!metrics.emitToString().contains("metallb_speaker_announced"), "no series and no header once nothing is announced")
    }

    @Test func tenThousandSeriesComeAndGo() {
        let metrics = SpeakerMetrics()
        let base = Fixtures.ip("10.100.0.0").value
        let keys = (0..<10_000).map { i in
            SpeakerMetrics.AnnouncedKey(
                ip: IPAddress(ipv4: UInt32(base) + UInt32(i)), service: Fixtures.key("svc-\(i)"), protocol: .bgp)
        }
        // Given in any order, and with repeats: one series each, in address order.
        metrics.setAnnounced(keys.reversed() + keys.prefix(10), node: "n1")
        let lines = metrics.emitToString().split(separator: "\n").filter { $0.hasPrefix("metallb_speaker_announced{") }
        #expect(lines.count == 10_000)
        #expect(lines.first == #"metallb_speaker_announced{ip="10.100.0.0",node="n1",protocol="bgp",service="default/svc-0"} 1"#)
        #expect(lines.last == #"metallb_speaker_announced{ip="10.100.39.15",node="n1",protocol="bgp",service="default/svc-9999"} 1"#)
        metrics.setAnnounced([], node: "n1")
        #expect(!metrics.emitToString().contains("metallb_speaker_announced{"))
    }
}
