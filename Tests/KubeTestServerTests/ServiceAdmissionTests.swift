import Testing
@testable import KubeTestServer

@Suite struct ServiceAdmissionTests {
    @Test func createAppliesEveryDefault() throws {
        let api = TestAPI()
        let r = api.post("/api/v1/namespaces/default/services", TestAPI.service("web", extra: #","status":{"loadBalancer":{"ingress":[{"ip":"1.2.3.4"}]}}"#))
        #expect(r.status == 201)
        let spec = try #require(r.body["spec"])
        let clusterIP = try #require(spec["clusterIP"]?.stringValue)
        #expect(CIDRText("10.96.0.0/12")!.contains(IPText(clusterIP)!))
        #expect(spec["clusterIPs"] == [.string(clusterIP)])
        #expect(spec["ipFamilies"] == ["IPv4"])
        #expect(spec["ipFamilyPolicy"] == "SingleStack")
        #expect(spec["externalTrafficPolicy"] == "Cluster")
        #expect(spec["internalTrafficPolicy"] == "Cluster")
        #expect(spec["allocateLoadBalancerNodePorts"] == true)
        #expect(spec["sessionAffinity"] == "None")
        let port = try #require(spec["ports"]?.arrayValue?.first)
        #expect(port["protocol"] == "TCP")
        #expect(port["targetPort"] == 80)
        #expect((30000...32767).contains(port["nodePort"]?.intValue ?? 0))
        #expect(r.body["status"] == ["loadBalancer": .emptyObject])
        #expect(r["metadata", "uid"]?.stringValue?.count == 36)
        #expect(r["metadata", "creationTimestamp"] != nil)
    }

    @Test func clusterIPServicesGetNoNodePortsNorExternalPolicy() throws {
        let api = TestAPI()
        let r = api.post("/api/v1/namespaces/default/services", TestAPI.service("db", type: "ClusterIP"))
        #expect(r.status == 201)
        #expect(r["spec", "ports"]?.arrayValue?.first?["nodePort"] == nil)
        #expect(r["spec", "externalTrafficPolicy"] == nil)
        #expect(r["spec", "allocateLoadBalancerNodePorts"] == nil)
    }

    @Test func allocationsAreUniqueAndRequestedOnesChecked() throws {
        let api = TestAPI()
        var ips = Set<String>()
        var nodePorts = Set<Int>()
        for i in 0..<30 {
            let r = api.post("/api/v1/namespaces/default/services", TestAPI.service("s\(i)"))
            ips.insert(r["spec", "clusterIP"]?.stringValue ?? "")
            nodePorts.insert(r["spec", "ports"]?.arrayValue?.first?["nodePort"]?.intValue ?? 0)
        }
        #expect(ips.count == 30 && nodePorts.count == 30)
        let taken = try #require(ips.first)
        let ipClash = api.post("/api/v1/namespaces/default/services", TestAPI.service("x", extra: #","clusterIP":"\#(taken)""#))
        #expect(ipClash.status == 422)
        #expect(ipClash.message.contains("provided IP is already allocated"))
        let outside = api.post("/api/v1/namespaces/default/services", TestAPI.service("y", extra: #","clusterIP":"192.168.0.1""#))
        #expect(outside.message.contains("is not in the valid range"))
        let port = try #require(nodePorts.first)
        let body = #"{"metadata":{"name":"z"},"spec":{"type":"NodePort","ports":[{"port":1,"nodePort":\#(port)}]}}"#
        let portClash = api.post("/api/v1/namespaces/default/services", body)
        #expect(portClash.status == 422)
        #expect(portClash["details", "causes"]?.arrayValue?.first?["field"] == "spec.ports[0].nodePort")
        let range = api.post("/api/v1/namespaces/default/services", #"{"metadata":{"name":"w"},"spec":{"type":"NodePort","ports":[{"port":1,"nodePort":80}]}}"#)
        #expect(range.message.contains("provided port is not in the valid range. The range of valid ports is 30000-32767"))
    }

    @Test func dualStackAndIPv6Families() throws {
        let api = TestAPI()
        let dual = api.post("/api/v1/namespaces/default/services", TestAPI.service("d", extra: #","ipFamilyPolicy":"PreferDualStack""#))
        #expect(dual["spec", "ipFamilies"] == ["IPv4", "IPv6"])
        #expect(dual["spec", "clusterIPs"]?.arrayValue?.count == 2)
        let v6 = api.post("/api/v1/namespaces/default/services", TestAPI.service("v6", extra: #","ipFamilies":["IPv6"]"#))
        #expect(v6["spec", "ipFamilies"] == ["IPv6"])
        #expect(v6["spec", "clusterIP"]?.stringValue?.hasPrefix("fd00:10:96::") == true)
        let single = api.post("/api/v1/namespaces/default/services", TestAPI.service("bad", extra: #","ipFamilies":["IPv4","IPv6"],"ipFamilyPolicy":"SingleStack""#))
        #expect(single.status == 422)
        let headless = api.post("/api/v1/namespaces/default/services", TestAPI.service("h", type: "ClusterIP", extra: #","clusterIP":"None""#))
        #expect(headless["spec", "clusterIPs"] == ["None"])
    }

    @Test(arguments: [
        (#"{"metadata":{"name":"Bad"},"spec":{"ports":[{"port":80}]}}"#, "metadata.name"),
        (#"{"metadata":{"name":"a"},"spec":{"ports":[{"port":0}]}}"#, "spec.ports[0].port"),
        (#"{"metadata":{"name":"a"},"spec":{"ports":[{"port":80,"protocol":"ICMP"}]}}"#, "spec.ports[0].protocol"),
        (#"{"metadata":{"name":"a"},"spec":{"ports":[{"port":80},{"port":81}]}}"#, "spec.ports[0].name"),
        (#"{"metadata":{"name":"a"},"spec":{"ports":[{"name":"a","port":80},{"name":"b","port":80}]}}"#, "spec.ports[1]"),
        (#"{"metadata":{"name":"a"},"spec":{"type":"Magic","ports":[{"port":80}]}}"#, "spec.type"),
        (#"{"metadata":{"name":"a"},"spec":{"ports":[{"port":80,"nodePort":30001}]}}"#, "spec.ports[0].nodePort"),
        (#"{"metadata":{"name":"a"},"spec":{"externalTrafficPolicy":"Local","ports":[{"port":80}]}}"#, "spec.externalTrafficPolicy"),
        (#"{"metadata":{"name":"a"},"spec":{"loadBalancerClass":"x.io/y","ports":[{"port":80}]}}"#, "spec.loadBalancerClass"),
        (#"{"metadata":{"name":"a"},"spec":{}}"#, "spec.ports"),
        (#"{"metadata":{"name":"a","labels":{"a b":"c"}},"spec":{"ports":[{"port":80}]}}"#, "metadata.labels"),
    ])
    func invalidServicesAre422WithTheField(body: String, field: String) throws {
        let r = TestAPI().post("/api/v1/namespaces/default/services", body)
        #expect(r.status == 422)
        #expect(r.reason == "Invalid")
        #expect(r["details", "kind"] == "Service")
        let fields = (r["details", "causes"]?.arrayValue ?? []).compactMap { $0["field"]?.stringValue }
        #expect(fields.contains(field), "\(r.message)")
    }

    @Test func wrongJSONTypesAre400LikeGoDecoding() {
        let r = TestAPI().post("/api/v1/namespaces/default/services", #"{"metadata":{"name":"a"},"spec":{"ports":[{"port":"80"}]}}"#)
        #expect(r.status == 400)
        #expect(r.message.contains("cannot unmarshal string into Go struct field Service.spec.ports.port of type int32"))
    }

    @Test func updatesKeepAllocatedValuesAndTheStatus() throws {
        let api = TestAPI()
        let created = api.post("/api/v1/namespaces/default/services", TestAPI.service("web"))
        api.patch("/api/v1/namespaces/default/services/web/status", #"{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.1"}]}}}"#)
        // A PUT of the original manifest (no clusterIP, nodePorts or status) keeps them all.
        let updated = api.put("/api/v1/namespaces/default/services/web", TestAPI.service("web"))
        #expect(updated.status == 200)
        #expect(updated["spec", "clusterIP"] == created["spec", "clusterIP"])
        #expect(updated["spec", "ports"] == created["spec", "ports"])
        #expect(updated["status", "loadBalancer", "ingress"] == [["ip": "192.0.2.1", "ipMode": "VIP"]])
        let changed = api.put("/api/v1/namespaces/default/services/web", TestAPI.service("web", extra: #","clusterIP":"10.96.100.100""#))
        #expect(changed.status == 422)
        #expect(changed.message.contains("may not change once set"))
    }

    @Test func changingTypeToClusterIPDropsNodePorts() throws {
        let api = TestAPI()
        var service = api.post("/api/v1/namespaces/default/services", TestAPI.service("web")).body
        service[path: ["spec", "type"]] = "ClusterIP"
        let r = api.put("/api/v1/namespaces/default/services/web", service.serialized())
        #expect(r.status == 200, "\(r.message)")
        #expect(r["spec", "ports"]?.arrayValue?.first?["nodePort"] == nil)
        #expect(r["spec", "externalTrafficPolicy"] == nil)
        #expect(r["spec", "allocateLoadBalancerNodePorts"] == nil)
    }

    @Test func statusWritesKeepTheSpecAndGetIPModeVIP() throws {
        let api = TestAPI()
        api.post("/api/v1/namespaces/default/services", TestAPI.service("web"))
        var service = api.get("/api/v1/namespaces/default/services/web").body
        service[path: ["spec", "type"]] = "ClusterIP"
        service[path: ["status", "loadBalancer", "ingress"]] = [["ip": "192.0.2.7"], ["hostname": "lb.example.com"]]
        let r = api.put("/api/v1/namespaces/default/services/web/status", service.serialized())
        #expect(r.status == 200, "\(r.message)")
        #expect(r["spec", "type"] == "LoadBalancer")
        #expect(r["status", "loadBalancer", "ingress"] == [["ip": "192.0.2.7", "ipMode": "VIP"], ["hostname": "lb.example.com"]])
        // Writing the object itself cannot change the status.
        service = r.body
        service[path: ["status", "loadBalancer"]] = .emptyObject
        let r2 = api.put("/api/v1/namespaces/default/services/web", service.serialized())
        #expect(r2["status", "loadBalancer", "ingress"]?.arrayValue?.count == 2)
    }

    @Test(arguments: [
        (#"[{"ip":"not-an-ip"}]"#, "status.loadBalancer.ingress[0].ip"),
        (#"[{"ip":"192.0.2.1","ipMode":"Magic"}]"#, "status.loadBalancer.ingress[0].ipMode"),
        (#"[{"hostname":"x.example","ipMode":"VIP"}]"#, "status.loadBalancer.ingress[0].ipMode"),
        (#"[{"hostname":"192.0.2.1"}]"#, "status.loadBalancer.ingress[0].hostname"),
    ])
    func invalidStatusIs422(ingress: String, field: String) {
        let api = TestAPI()
        api.post("/api/v1/namespaces/default/services", TestAPI.service("web"))
        let r = api.patch("/api/v1/namespaces/default/services/web/status", #"{"status":{"loadBalancer":{"ingress":\#(ingress)}}}"#)
        #expect(r.status == 422)
        #expect((r["details", "causes"]?.arrayValue ?? []).contains { $0["field"]?.stringValue == field }, "\(r.message)")
    }

    @Test func statusIngressIsOnlyForLoadBalancers() {
        let api = TestAPI()
        api.post("/api/v1/namespaces/default/services", TestAPI.service("db", type: "ClusterIP"))
        let r = api.patch("/api/v1/namespaces/default/services/db/status", #"{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.1"}]}}}"#)
        #expect(r.status == 422)
        #expect(r.message.contains("may only be used when `spec.type` is 'LoadBalancer'"))
    }

    @Test func externalTrafficPolicyLocalGetsAHealthCheckNodePort() throws {
        let api = TestAPI()
        let r = api.post("/api/v1/namespaces/default/services", TestAPI.service("l", extra: #","externalTrafficPolicy":"Local""#))
        #expect((30000...32767).contains(r["spec", "healthCheckNodePort"]?.intValue ?? 0))
    }
}

@Suite struct ServiceTypeChangeTests {
    @Test func aSpecUpdateAwayFromLoadBalancerKeepsTheOldIngress() throws {
        let api = TestAPI()
        api.post("/api/v1/namespaces/default/services", TestAPI.service("web"))
        api.patch("/api/v1/namespaces/default/services/web/status", #"{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.1"}]}}}"#)
        var service = api.get("/api/v1/namespaces/default/services/web").body
        service[path: ["spec", "type"]] = "ClusterIP"
        let r = api.put("/api/v1/namespaces/default/services/web", service.serialized())
        #expect(r.status == 200, "\(r.message)")
        #expect(r["status", "loadBalancer", "ingress"] == [["ip": "192.0.2.1", "ipMode": "VIP"]])
        // Only a status write may clear it; setting it again is forbidden for a ClusterIP Service.
        let cleared = api.patch("/api/v1/namespaces/default/services/web/status", #"{"status":{"loadBalancer":{"ingress":null}}}"#)
        #expect(cleared.status == 200)
        let again = api.patch("/api/v1/namespaces/default/services/web/status", #"{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.1"}]}}}"#)
        #expect(again.status == 422)
    }
}
