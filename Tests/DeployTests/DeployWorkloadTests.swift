import Foundation
import Testing

/// The controller Deployment, the speaker DaemonSet and the PodDisruptionBudget, read from the
/// rendered manifests: what issue 6 item 2 asks of each.
@Suite(.enabled(if: DeployPrerequisites.kubectlUsable,
                "needs kubectl on PATH (IRONLB_REQUIRE_LAB=1 makes its absence fail)"))
struct DeployWorkloadTests {
    /// The only container of a workload's pod template.
    static func container(of workload: ManifestObject) throws -> ManifestObject {
        let containers = workload.list("spec.template.spec.containers")
        guard containers.count == 1, let only = containers.first else {
            throw DeployCheckError.manifest("\(workload.id) has \(containers.count) containers, expected 1")
        }
        return ManifestObject(fields: only)
    }

    /// The port of `--metrics-address=HOST:PORT` in the container's args.
    static func metricsPort(_ container: ManifestObject) -> Int? {
        let arg = container.strings("args").first { $0.hasPrefix("--metrics-address=") }
        return arg.flatMap { $0.split(separator: ":").last }.flatMap { Int($0) }
    }

    /// Probes on the metrics port's /healthz and /readyz; the port named `metrics` is the one
    /// --metrics-address listens on; the pod template asks Prometheus to scrape it.
    static func checkProbesAndScraping(_ workload: ManifestObject) throws {
        let container = try container(of: workload)
        let port = try #require(metricsPort(container), "\(workload.id): no --metrics-address=HOST:PORT argument")
        let ports = container.list("ports")
        #expect(ports.contains { $0["name"] as? String == "metrics" && $0["containerPort"] as? Int == port },
                "\(workload.id): no container port `metrics` = \(port): \(ports)")
        #expect(container["livenessProbe.httpGet.path"] as? String == "/healthz", "\(workload.id)")
        #expect(container["livenessProbe.httpGet.port"] as? String == "metrics", "\(workload.id)")
        #expect(container["readinessProbe.httpGet.path"] as? String == "/readyz", "\(workload.id)")
        #expect(container["readinessProbe.httpGet.port"] as? String == "metrics", "\(workload.id)")
        let annotations = workload.map("spec.template.metadata.annotations")
        #expect(annotations["prometheus.io/scrape"] as? String == "true", "\(workload.id): \(annotations)")
        #expect(annotations["prometheus.io/port"] as? String == String(port), "\(workload.id): \(annotations)")
        #expect(annotations["prometheus.io/path"] as? String == "/metrics", "\(workload.id): \(annotations)")
        for kind in ["requests", "limits"] {
            let resources = container.map("resources.\(kind)")
            #expect(resources["cpu"] != nil && resources["memory"] != nil, "\(workload.id): resources.\(kind) \(resources)")
        }
    }

    @Test func controllerDeployment() async throws {
        let manifests = try await RenderedManifests.render(kubectl: try DeployPrerequisites.requireKubectl())
        defer { manifests.remove() }
        let deployment = try manifests.object("Deployment", "controller")
        #expect(deployment["spec.replicas"] as? Int == 2)
        #expect(deployment["spec.template.spec.serviceAccountName"] as? String == "controller")
        #expect(deployment["spec.template.spec.hostNetwork"] == nil)
        try Self.checkProbesAndScraping(deployment)

        let container = try Self.container(of: deployment)
        let args = container.strings("args")
        for flag in ["--namespace=ironlb-system", "--config-map=config", "--lease-duration=", "--renew-deadline=",
                     "--retry-period="] {
            #expect(args.contains { $0.hasPrefix(flag) }, "controller args lack \(flag): \(args)")
        }
        // The leader-election identity: $POD_NAME from the downward API.
        let env = container.list("env")
        #expect(env.contains {
            $0["name"] as? String == "POD_NAME"
                && ManifestObject(fields: $0)["valueFrom.fieldRef.fieldPath"] as? String == "metadata.name"
        }, "\(env)")

        let pod = deployment.map("spec.template.spec.securityContext")
        let security = container.map("securityContext")
        let runAsNonRoot = (security["runAsNonRoot"] ?? pod["runAsNonRoot"]) as? Bool
        #expect(runAsNonRoot == true, "pod \(pod) container \(security)")
        let seccomp = ((security["seccompProfile"] ?? pod["seccompProfile"]) as? [String: Any])?["type"] as? String
        #expect(seccomp == "RuntimeDefault", "pod \(pod) container \(security)")
        #expect(security["allowPrivilegeEscalation"] as? Bool == false)
        #expect(security["readOnlyRootFilesystem"] as? Bool == true)
        #expect(container.strings("securityContext.capabilities.drop") == ["ALL"])
        #expect(container["securityContext.capabilities.add"] == nil, "the controller needs no capabilities")
        #expect(security["privileged"] as? Bool != true)
    }

    @Test func speakerDaemonSet() async throws {
        let manifests = try await RenderedManifests.render(kubectl: try DeployPrerequisites.requireKubectl())
        defer { manifests.remove() }
        let daemonSet = try manifests.object("DaemonSet", "speaker")
        let pod = ManifestObject(fields: daemonSet.map("spec.template.spec"))
        #expect(pod["serviceAccountName"] as? String == "speaker")
        #expect(pod["hostNetwork"] as? Bool == true)
        #expect(pod["securityContext.seccompProfile.type"] as? String == "RuntimeDefault")
        // Every node, control plane and tainted nodes included: one toleration of every taint.
        let tolerations = pod.list("tolerations")
        #expect(tolerations.contains { $0["operator"] as? String == "Exists" && $0["key"] == nil && $0["effect"] == nil },
                "\(tolerations)")
        #expect(pod["nodeSelector"] == nil, "a nodeSelector would keep speakers off some nodes")
        try Self.checkProbesAndScraping(daemonSet)

        let container = try Self.container(of: daemonSet)
        let security = container.map("securityContext")
        #expect(container.strings("securityContext.capabilities.drop") == ["ALL"])
        #expect(Set(container.strings("securityContext.capabilities.add")) == ["NET_RAW", "NET_ADMIN"],
                "only NET_RAW and NET_ADMIN may be added: \(security)")
        #expect(container.strings("securityContext.capabilities.add").count == 2)
        #expect(security["privileged"] as? Bool != true)
        #expect(security["allowPrivilegeEscalation"] as? Bool == false)
        #expect(security["readOnlyRootFilesystem"] as? Bool == true)

        // NODE_NAME from the downward API (lb-speaker's --node-name default).
        let env = container.list("env")
        #expect(env.contains {
            $0["name"] as? String == "NODE_NAME"
                && ManifestObject(fields: $0)["valueFrom.fieldRef.fieldPath"] as? String == "spec.nodeName"
        }, "\(env)")

        // The membership key: --member-key-file names the Secret's key in its mounted volume.
        let args = container.strings("args")
        let keyFile = try #require(args.first { $0.hasPrefix("--member-key-file=") }?.split(separator: "=", maxSplits: 1).last,
                                   "speaker args lack --member-key-file: \(args)")
        let mounts = container.list("volumeMounts")
        let mount = try #require(mounts.first { keyFile.hasPrefix(($0["mountPath"] as? String ?? "\u{0}") + "/") },
                                 "no volume mounted above \(keyFile): \(mounts)")
        #expect(mount["readOnly"] as? Bool == true)
        let volume = try #require(pod.list("volumes").first { $0["name"] as? String == mount["name"] as? String })
        let secretName = try #require(ManifestObject(fields: volume)["secret.secretName"] as? String,
                                      "the key volume is not a Secret: \(volume)")
        let secret = try manifests.object("Secret", secretName)
        let fileName = String(keyFile.split(separator: "/").last ?? "")
        #expect(secret.map("data")[fileName] != nil, "Secret \(secretName) has no key \(fileName)")
    }

    @Test func controllerDisruptionBudget() async throws {
        let manifests = try await RenderedManifests.render(kubectl: try DeployPrerequisites.requireKubectl())
        defer { manifests.remove() }
        let budget = try manifests.object("PodDisruptionBudget", "controller")
        let deployment = try manifests.object("Deployment", "controller")
        #expect(budget["spec.minAvailable"] as? Int == 1)
        let selector = budget.map("spec.selector.matchLabels") as? [String: String] ?? [:]
        let labels = deployment.map("spec.template.metadata.labels") as? [String: String] ?? [:]
        #expect(!selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value },
                "the budget's selector \(selector) does not select the controller's pods \(labels)")
        // ...and not the speakers (a DaemonSet's pods are not evicted by drains anyway).
        let speakerLabels = try manifests.object("DaemonSet", "speaker").map("spec.template.metadata.labels") as? [String: String] ?? [:]
        #expect(!selector.allSatisfy { speakerLabels[$0.key] == $0.value })
    }
}
