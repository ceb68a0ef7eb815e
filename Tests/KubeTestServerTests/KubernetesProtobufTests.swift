import LBTestSupport
import Testing
@testable import KubeTestServer

/// Protobuf request bodies, as kubectl's typed clients send them.
@Suite struct KubernetesProtobufTests {
    /// A minimal protobuf writer for building test messages.
    struct Writer {
        var bytes: [UInt8] = []
        mutating func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 {
                bytes.append(UInt8(v & 0x7F) | 0x80)
                v >>= 7
            }
            bytes.append(UInt8(v))
        }
        mutating func field(_ number: Int, _ value: UInt64) {
            varint(UInt64(number << 3))
            varint(value)
        }
        mutating func field(_ number: Int, _ data: [UInt8]) {
            varint(UInt64(number << 3 | 2))
            varint(UInt64(data.count))
            bytes += data
        }
        mutating func field(_ number: Int, _ text: String) { field(number, Array(text.utf8)) }
        static func message(_ build: (inout Writer) -> Void) -> [UInt8] {
            var w = Writer()
            build(&w)
            return w.bytes
        }
    }

    static func envelope(apiVersion: String, kind: String, _ raw: [UInt8]) -> [UInt8] {
        KubernetesProtobuf.magic + Writer.message {
            $0.field(1, Writer.message { $0.field(1, apiVersion); $0.field(2, kind) })
            $0.field(2, raw)
            $0.field(3, "")
            $0.field(4, "")
        }
    }

    static let service: [UInt8] = envelope(apiVersion: "v1", kind: "Service", Writer.message { svc in
        svc.field(1, Writer.message { meta in
            meta.field(1, "lb1")
            meta.field(2, "")
            meta.field(8, Writer.message { _ in })
            meta.field(11, Writer.message { $0.field(1, "app"); $0.field(2, "lb1") })
        })
        svc.field(2, Writer.message { spec in
            spec.field(1, Writer.message { port in
                port.field(1, "80-8080")
                port.field(2, "TCP")
                port.field(3, 80)
                port.field(4, Writer.message { $0.field(1, 0); $0.field(2, 8080); $0.field(3, "") })
                port.field(5, 0)
            })
            spec.field(2, Writer.message { $0.field(1, "app"); $0.field(2, "lb1") })
            spec.field(4, "LoadBalancer")
            spec.field(10, "")
            spec.field(12, 0)
        })
        svc.field(3, Writer.message { _ in })
    })

    @Test func decodesAServiceLikeGoWouldSeeIt() throws {
        let object = try KubernetesProtobuf.decode(Self.service, type: .services)
        #expect(object == [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": "lb1", "labels": ["app": "lb1"]],
            "spec": ["ports": [["name": "80-8080", "protocol": "TCP", "port": 80, "targetPort": 8080]],
                     "selector": ["app": "lb1"], "type": "LoadBalancer"],
            "status": .emptyObject,
        ])
    }

    @Test func createsThroughTheAPI() {
        let api = TestAPI()
        let request = APIRequest(method: "POST", target: "/api/v1/namespaces/default/services",
                                 headers: ["content-type": "application/vnd.kubernetes.protobuf"], body: Self.service)
        let response = api.core.handle(request)
        #expect(response.status == 201)
        #expect(response.json?[path: ["spec", "ports"]]?.arrayValue?.first?["nodePort"] != nil)
    }

    @Test func secretsDataIsBytes() throws {
        let secret = Self.envelope(apiVersion: "v1", kind: "Secret", Writer.message { s in
            s.field(1, Writer.message { $0.field(1, "s") })
            s.field(2, Writer.message { $0.field(1, "password"); $0.field(2, Array("hunter2".utf8)) })
            s.field(3, "Opaque")
        })
        let object = try KubernetesProtobuf.decode(secret, type: .secrets)
        #expect(object["data"] == ["password": "aHVudGVyMg=="])
    }

    @Test(arguments: [[UInt8](), [1, 2, 3], KubernetesProtobuf.magic + [0x0A, 0xFF], KubernetesProtobuf.magic + [0x12, 0x05, 0x0A],
                      KubernetesProtobuf.magic + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]])
    func malformedBodiesAre400(body: [UInt8]) {
        let error = #expect(throws: APIError.self) { try KubernetesProtobuf.decode(body, type: .services) }
        #expect(error?.code == 400)
    }

    @Test func kindsWithoutAProtobufSchemaAre415() {
        let error = #expect(throws: APIError.self) { try KubernetesProtobuf.decode(Self.service, type: .leases) }
        #expect(error?.code == 415)
    }

    @Test func survivesRandomMutations() {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<2000 {
            var bytes = Self.service
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 4..<bytes.count, using: &rng)
                bytes[i] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? KubernetesProtobuf.decode(bytes, type: .services)
        }
    }
}
