import Foundation

/// The Kubernetes objects and files of the lab demo, as text: the IronLB ConfigMap with a layer2
/// pool and a bgp pool peering with the lab's bird2 router, the Nodes, the sample Services and
/// their EndpointSlices, and the node-local HTTP backend. Pure: `DemoDeployment` applies them.
public struct DemoManifests: Sendable, Equatable {
    /// IronLB's namespace.
    public var namespace = "ironlb-system"
    /// The layer2 pool: lab addresses (the lab's 200...254 are free for LoadBalancer IPs), so the
    /// speakers answer ARP on the node's lab interface, the one in the same subnet.
    public var layer2Pool = "172.30.0.200-172.30.0.219"
    /// The bgp pool: addresses off the lab subnet (TEST-NET-3, RFC 5737), reachable only through
    /// the routes the nodes advertise.
    public var bgpPool = "203.0.113.10-203.0.113.19"
    /// The router's address (bird2): the `peer-address`.
    public var routerAddress: String
    /// bird2's AS (`peer-asn`) and the nodes' AS (`my-asn`): eBGP.
    public var routerASN: UInt32 = 64512
    public var nodeASN: UInt32 = 64513
    /// Hold time the speakers offer (a Go duration, as in the ConfigMap).
    public var holdTime = "9s"

    public static let layer2PoolName = "demo-l2"
    public static let bgpPoolName = "demo-bgp"
    public static let peerName = "bird"

    public init(routerAddress: String) {
        self.routerAddress = routerAddress
    }

    public var namespaceYAML: String {
        """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: \(namespace)

        """
    }

    /// The ConfigMap `config` in MetalLB v0.12 format.
    public var configMapYAML: String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: config
          namespace: \(namespace)
        data:
          config: |
            peers:
            - peer-address: \(routerAddress)
              peer-asn: \(routerASN)
              my-asn: \(nodeASN)
              hold-time: \(holdTime)
              name: \(Self.peerName)
            address-pools:
            - name: \(Self.layer2PoolName)
              protocol: layer2
              addresses:
              - \(layer2Pool)
            - name: \(Self.bgpPoolName)
              protocol: bgp
              addresses:
              - \(bgpPool)

        """
    }

    /// A Node labelled with its hostname; its status (addresses, conditions) is written apart
    /// (`nodeStatusPatch`) because a create drops the status.
    public static func nodeYAML(name: String) -> String {
        """
        apiVersion: v1
        kind: Node
        metadata:
          name: \(name)
          labels:
            kubernetes.io/hostname: \(name)

        """
    }

    /// A merge patch for the Node's status subresource: InternalIP = the node's lab address
    /// (the speakers meet there for membership) and Ready.
    public static func nodeStatusPatch(name: String, internalIP: String) -> String {
        #"{"status":{"addresses":[{"type":"InternalIP","address":"\#(internalIP)"},{"type":"Hostname","address":"\#(name)"}],"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady"}]}}"#
    }

    /// A LoadBalancer Service in `default` that asks for an IP from `pool`, and an EndpointSlice
    /// with one ready endpoint on each of `nodes` (pod addresses 10.244.I.10, as a real cluster
    /// would have; only their node names matter to the speakers).
    public static func serviceYAML(name: String, pool: String, nodes: [String]) -> String {
        let endpoints = nodes.enumerated().map { index, node in
            """
            - addresses: ["10.244.\(index + 1).10"]
              nodeName: \(node)
              conditions:
                ready: true
            """
        }.joined(separator: "\n")
        return """
            apiVersion: v1
            kind: Service
            metadata:
              name: \(name)
              namespace: default
              annotations:
                metallb.universe.tf/address-pool: \(pool)
            spec:
              type: LoadBalancer
              externalTrafficPolicy: Cluster
              selector:
                app: \(name)
              ports:
              - name: http
                port: 80
                protocol: TCP
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: \(name)-demo
              namespace: default
              labels:
                kubernetes.io/service-name: \(name)
            addressType: IPv4
            ports:
            - name: http
              port: 80
              protocol: TCP
            endpoints:
            \(endpoints)

            """
    }

    /// The backend every node runs: a tiny HTTP server bound to the Service IP on port 80 that
    /// answers "served by NODE". Arguments: node name, IP. Prints "listening" once bound.
    public static let httpBackendScript = """
        import http.server, sys
        node, ip = sys.argv[1], sys.argv[2]
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = ("served by %s\\n" % node).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, fmt, *args):
                sys.stderr.write("%s: %s %s\\n" % (node, self.client_address[0], fmt % args))
                sys.stderr.flush()
        server = http.server.HTTPServer((ip, 80), Handler)
        print("listening on %s:80 as %s" % (ip, node), flush=True)
        server.serve_forever()
        """
}
