// swift-tools-version: 6.1
// IronLB — a bare-metal LoadBalancer for Kubernetes.
// Module layout follows ../shared/DESIGN.md: pure modules (LBCore) never import I/O modules;
// executables hold argument parsing and wiring only.
import PackageDescription

let package = Package(
    name: "IronLB",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LBCore", targets: ["LBCore"]),
        .executable(name: "lbctl", targets: ["lbctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.25.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
    ],
    targets: [
        // Pure Swift, no I/O: addresses, config model + parser/validator, allocator, election.
        .target(
            name: "LBCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        // lbctl's logic lives in a library so tests can drive it in-process.
        .target(
            name: "LBCtlKit",
            dependencies: [
                "LBCore", "KubeAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(name: "lbctl", dependencies: ["LBCtlKit"]),
        // A small Kubernetes client: kubeconfig + in-cluster auth, typed objects, informers,
        // status writes, Events, Leases, leader election.
        .target(
            name: "KubeAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // An in-memory Kubernetes API server faithful to the subset IronLB uses (KUBE-API.md).
        .target(
            name: "KubeTestServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // /metrics (Prometheus text), /healthz and /readyz over a small NIO HTTP server, run as a
        // swift-service-lifecycle Service. Shared by the controller and the speaker.
        .target(
            name: "LBObservability",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Pure codecs on ByteBuffer: Ethernet, ARP, IPv6/ICMPv6 NDP, BGP messages.
        .target(
            name: "LBWire",
            dependencies: ["LBCore", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // Pure state machines with an injected clock (membership / failure detector, layer-2
        // responders, BGP session FSM): they return actions, they do no I/O.
        .target(
            name: "LBProtocols",
            dependencies: [
                "LBCore", "LBWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Reconcile Services -> allocate -> write status + events; config reload. The decision
        // core is pure (ControllerCore); the Kubernetes glue is a thin shell around it.
        .target(
            name: "LBController",
            dependencies: [
                "LBCore", "KubeAPI", "LBObservability",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The speaker: reconcile Services/EndpointSlices/Nodes/config -> per-IP election ->
        // announce (layer 2 now, BGP later); membership over UDP; publish state on a node Lease.
        // Core/ is pure decision logic; Runtime/ is the Kubernetes and network glue.
        .target(
            name: "LBSpeaker",
            dependencies: [
                "LBCore", "LBWire", "LBProtocols", "LBNet", "KubeAPI", "LBObservability",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "lb-controller",
            dependencies: [
                "LBController", "KubeAPI", "LBObservability", "LBCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "lb-speaker",
            dependencies: [
                "LBSpeaker", "KubeAPI", "LBObservability", "LBCore", "LBNet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "kube-test-server",
            dependencies: ["KubeTestServer", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Allocator throughput benchmark (`make bench`); not part of `make test`.
        .executableTarget(name: "lb-bench", dependencies: ["LBCore"], path: "Benchmarks/lb-bench"),
        // Controller benchmark against real kube-test-server/lb-controller processes
        // (`make bench-controller`); not part of `make test`.
        .executableTarget(
            name: "controller-bench",
            dependencies: [
                "KubeAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/controller-bench"
        ),
        // Layer-2 speaker benchmark in a namespace lab against the kernel's ARP reply and
        // keepalived (`make bench-speaker`, root); not part of `make test`.
        // What the benchmarks share (interrupt handling, /proc readings, statistics).
        .target(name: "BenchSupport", dependencies: ["LBLab"], path: "Benchmarks/BenchSupport"),
        .executableTarget(name: "speaker-bench", dependencies: ["LBLab", "LBCore", "BenchSupport"], path: "Benchmarks/speaker-bench"),
        // BGP benchmark: lb-speaker vs gobgpd and exabgp announcing 10,000 /32s to bird2 in one
        // namespace lab (`make bench-bgp`, needs root); not part of `make test`.
        .executableTarget(name: "bgp-bench", dependencies: ["LBLab", "LBCore", "BenchSupport"], path: "Benchmarks/bgp-bench"),
        // The local lab demo (`make demo`, `make lab-up`, `make lab-down`; root): IronLB in a
        // network-namespace lab with a bird2 router. Argument parsing and step printing only;
        // the lab logic is in LBLab (Demo*.swift, Bird*.swift).
        .executableTarget(name: "lab-demo", dependencies: ["LBLab", "LBCore"]),
        .testTarget(
            name: "LBCoreTests",
            dependencies: ["LBCore", "LBTestSupport", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "LBCtlKitTests", dependencies: ["LBCtlKit", "LBCore", "KubeTestServer", "KubeAPI"]),
        .testTarget(
            name: "LBSpeakerTests",
            dependencies: [
                "LBSpeaker", "LBCore", "LBNet", "LBProtocols", "LBWire", "KubeAPI", "KubeTestServer", "LBTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "KubeTestServerTests", dependencies: ["KubeTestServer", "LBTestSupport"]),
        .testTarget(
            name: "LBNetTests",
            dependencies: [
                "LBNet", "LBCore", "LBWire", "LBProtocols", "CLBNet", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "LBControllerTests",
            dependencies: [
                "LBController", "LBCore", "KubeAPI", "KubeTestServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // C shims Glibc lacks for the packet path (sockaddr_ll, ETH_P_*, packet_mreq, sock_fprog).
        .target(name: "CLBNet"),
        // The I/O edge: AF_PACKET sockets with a kernel BPF filter, interface discovery, the
        // layer-2 announcer (a thin shell around LBProtocols' responders).
        .target(
            name: "LBNet",
            dependencies: [
                "CLBNet", "LBCore", "LBWire", "LBProtocols",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A standalone ARP/NDP responder for one interface (a lab and diagnostic tool).
        .executableTarget(name: "l2-responder", dependencies: ["LBNet", "LBCore"]),
        // A lab of Linux network namespaces (nodes, a client, a switch with a bridge) with real
        // processes and real probes (arping, ndisc6, tcpdump, the neighbour table): used by
        // integration tests, benchmarks and the demo. Foundation only.
        .target(name: "LBLab"),
        .testTarget(name: "LBLabTests", dependencies: ["LBLab"]),
        // deploy/ checked without a cluster: `kubectl kustomize` renders it, kubernetes-validate
        // --strict accepts every object, RBAC is exactly least privilege, and `kubectl apply -k`
        // succeeds against KubeTestServer (IRONLB_REQUIRE_LAB=1 makes missing tools fail).
        .testTarget(
            name: "DeployTests",
            dependencies: ["KubeTestServer", "LBCore", .product(name: "Yams", package: "Yams")]
        ),
        // Integration tests of lb-speaker in layer-2 mode: real lb-speaker, lb-controller and
        // kube-test-server processes in a network-namespace lab (root only; IRONLB_REQUIRE_LAB=1
        // makes missing prerequisites fail).
        .testTarget(name: "SpeakerLabTests", dependencies: ["LBLab", "LBCore"]),
        // Fixtures and helpers shared by test targets (captured frames, a seeded PRNG); no product.
        .target(name: "LBTestSupport", dependencies: ["LBWire", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(
            name: "LBWireTests",
            dependencies: ["LBWire", "LBCore", "LBTestSupport", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "LBProtocolsTests",
            dependencies: [
                "LBProtocols", "LBWire", "LBCore", "LBTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "LBObservabilityTests",
            dependencies: ["LBObservability", .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),
        .testTarget(
            name: "KubeAPITests",
            dependencies: ["KubeAPI", "KubeTestServer", .product(name: "Logging", package: "swift-log")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
