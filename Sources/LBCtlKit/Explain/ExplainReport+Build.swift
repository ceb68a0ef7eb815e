import Foundation
import KubeAPI
import LBCore

extension ExplainReport {
    /// Builds the explanation of `service` from `snapshot`. Pure: liveness and ages are measured
    /// against `snapshot.now`.
    public static func build(_ service: KubeAPI.Service, snapshot: ClusterSnapshot) -> ExplainReport {
        let key = ServiceFacts.key(service)
        let (configState, config) = StatusReport.readConfig(snapshot)
        let speakers = SpeakerReading.read(snapshot.leases, now: snapshot.now)
        let events = snapshot.events(kind: "Service", namespace: key.namespace, name: key.name)
        let ips = ServiceFacts.ingressIPs(service)
        let handled = ServiceFacts.isServedByIronLB(service)
        let state: State = !handled ? .notHandled : (ips.isEmpty ? .pending : .served)
        let annotations = service.metadata.annotations

        var controller = ControllerView(
            type: service.spec.type?.rawValue ?? "ClusterIP", loadBalancerClass: service.spec.loadBalancerClass,
            pool: nil, poolSource: nil,
            requestedPool: annotationValue(ServiceAnnotations.addressPool, annotations),
            requestedIPs: requestedIPs(service), sharingKey: annotationValue(ServiceAnnotations.allowSharedIP, annotations),
            externalTrafficPolicy: service.spec.externalTrafficPolicy == .local ? "Local" : "Cluster",
            config: configState.state.rawValue, pendingReason: nil,
            events: events.prefix(5).map { "\($0.type?.rawValue ?? "Normal") \($0.reason ?? ""): \($0.message ?? "")" })

        var problems: [Problem] = []
        let addresses = ips.compactMap { IPAddress($0) }
        if let recorded = annotations[ServiceAnnotations.assignedPool] {
            controller.pool = recorded
            controller.poolSource = "annotation \(ServiceAnnotations.assignedPool)"
        } else if let pool = addresses.lazy.compactMap({ config?.pool(containing: $0) }).first {
            controller.pool = pool.name
            controller.poolSource = "the configured pool holding its IP"
        }

        problems += configProblems(configState, snapshot: snapshot)
        switch state {
        case .notHandled:
            problems.append(notHandledProblem(service))
        case .pending:
            let served = snapshot.services.filter(ServiceFacts.isServedByIronLB)
            let allocator = config.map { ServiceFacts.allocator($0, services: served) }
            let reason = StatusReport.pendingReason(service, configState: configState, allocator: allocator, events: events)
            controller.pendingReason = reason
            if configState.state == .loaded, let allocator {
                problems.append(pendingProblem(service, reason: reason, allocator: allocator, namespace: snapshot.ironlbNamespace))
            }
        case .served:
            if config != nil, !addresses.contains(where: { config?.pool(containing: $0) != nil }) {
                problems.append(
                    Problem(
                        problem: "its IPs \(ips.joined(separator: ", ")) are in no configured address pool",
                        fix: "add the range back to a pool in \(snapshot.configSource), or remove the status so IronLB assigns a new IP"))
            }
        }

        let mode = controller.pool.flatMap { config?.pool(named: $0)?.protocol }
        var views: [AddressView] = []
        if state == .served {
            if !speakers.contains(where: { $0.live && $0.state != nil }) {
                problems.append(noSpeakerProblem(speakers, namespace: snapshot.ironlbNamespace))
            }
            for ip in addresses {
                let analysis = AddressAnalysis(ip: ip, mode: mode, speakers: speakers)
                views.append(addressView(analysis, pool: controller.pool, speakers: speakers))
                problems += addressProblems(analysis, view: views[views.count - 1], speakers: speakers, namespace: snapshot.ironlbNamespace)
            }
        }

        let verdict = verdictLine(state: state, controller: controller, views: views, problems: problems, service: service)
        return ExplainReport(
            service: key.description, verdict: verdict, healthy: problems.isEmpty, state: state, ips: ips,
            controller: controller, addresses: views, problems: problems)
    }

    // MARK: Controller side

    static func annotationValue(_ suffix: String, _ annotations: [String: String]) -> String? {
        if case .success(let value?) = ServiceAnnotations.value(suffix, in: annotations) { return value }
        return nil
    }

    static func requestedIPs(_ service: KubeAPI.Service) -> [String] {
        if let list = annotationValue(ServiceAnnotations.loadBalancerIPs, service.metadata.annotations) {
            return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return service.spec.loadBalancerIP.map { [$0] } ?? []
    }

    static func configProblems(_ config: StatusReport.ConfigState, snapshot: ClusterSnapshot) -> [Problem] {
        let ns = snapshot.ironlbNamespace
        switch config.state {
        case .loaded: return []
        case .missing:
            return [
                Problem(
                    problem: "IronLB has no config: \(config.source) is missing or has no \"config\" key",
                    fix: "create it (kubectl -n \(ns) create configmap config --from-file=config=FILE), after checking FILE with `lbctl config validate FILE`")
            ]
        case .invalid:
            let first = config.errors.first.map { ": \($0)" } ?? ""
            return [
                Problem(
                    problem: "IronLB's config is invalid (\(config.errors.count) error\(config.errors.count == 1 ? "" : "s"))\(first); the controller keeps its last valid config, if any",
                    fix: "fix \(config.source) (kubectl -n \(ns) edit configmap config); `lbctl config validate FILE` lists every error")
            ]
        }
    }

    static func notHandledProblem(_ service: KubeAPI.Service) -> Problem {
        if service.spec.type != .loadBalancer {
            return Problem(
                problem: "it is of type \(service.spec.type?.rawValue ?? "ClusterIP"), not LoadBalancer, so IronLB gives it no IP",
                fix: "set spec.type: LoadBalancer")
        }
        return Problem(
            problem: "its loadBalancerClass is \"\(service.spec.loadBalancerClass ?? "")\", so another implementation serves it, not IronLB",
            fix: "IronLB serves Services without a loadBalancerClass; the class cannot be changed on an existing Service: recreate it without spec.loadBalancerClass")
    }

    /// The refusal, and the change that fixes it: the allocator's answer names it (its messages
    /// say what to change); when the allocator would now succeed, the controller is the problem.
    static func pendingProblem(_ service: KubeAPI.Service, reason: String, allocator: Allocator, namespace: String) -> Problem {
        switch ServiceFacts.diagnose(service, allocator: allocator) {
        case .failure(let error):
            return Problem(problem: "no IP: \(reason)", fix: fix(for: error))
        case .success(let assignment):
            return Problem(
                problem: "no IP: \(reason)",
                fix: "the config allows it now (pool \"\(assignment.pool)\" has room): check that the IronLB controller is running and holds its leader Lease (kubectl -n \(namespace) get pods,leases) and read its logs")
        }
    }

    /// What to change for each allocator refusal.
    static func fix(for error: AllocationError) -> String {
        switch error {
        case .invalidRequest: return "correct the Service's IronLB annotations as the message says"
        case .noPools: return "add an address pool to the config"
        case .unknownPool: return "name an existing pool in the address-pool annotation, or add that pool to the config"
        case .namespaceNotAllowed(let pool, let ns): return "add \"\(ns)\" to the namespaces of pool \"\(pool)\", or use another pool"
        case .requestedIPNotInAnyPool, .requestedIPNotInNamedPool, .requestedIPsInDifferentPools:
            return "request IPs of one configured pool (loadBalancerIPs annotation or spec.loadBalancerIP), or add them to a pool"
        case .requestedIPInUse(_, let by, _):
            return "request another IP, or give this Service and \(by.map(\.description).joined(separator: ", ")) the same allow-shared-ip key with compatible ports and selectors"
        case .requestedIPBuggy: return "request an IP that does not end in .0 or .255, or unset avoid-buggy-ips on the pool"
        case .requestedIPWrongFamily: return "request an IP of the Service's ipFamilies, or change spec.ipFamilies"
        case .poolExhausted(let pool, _): return "add addresses to pool \"\(pool)\" or delete Services that use it"
        case .poolLacksFamily(let pool, let family): return "add an \(family) range to pool \"\(pool)\", or set ipFamilyPolicy: PreferDualStack"
        case .noPoolAvailable: return "add addresses to an auto-assign pool that allows this namespace and family, or name a pool with the address-pool annotation"
        case .addressesNotKept: return "remove the Service's status IPs or request addresses the config allows"
        }
    }

    static func verdictLine(state: State, controller: ControllerView, views: [AddressView], problems: [Problem], service: KubeAPI.Service) -> String {
        var line: String
        switch state {
        case .notHandled: line = "not handled by IronLB"
        case .pending: line = "pending: \(controller.pendingReason ?? "no IP")"
        case .served:
            let parts = views.map { v -> String in
                let mode = v.mode ?? "unknown mode"
                let context = "(\(mode)\(v.pool.map { ", pool \($0)" } ?? ""))"
                if v.splitView { return "\(v.ip) split view: \(v.announcedBy.isEmpty ? "no node" : v.announcedBy.joined(separator: ", ")) announce it \(context)" }
                if v.announcedBy.isEmpty { return "\(v.ip) announced by no node \(context)" }
                if v.mode == "bgp" { return "\(v.ip) advertised by \(ExplainTable.advertisers(v)) \(context)" }
                return "\(v.ip) announced by \(v.announcedBy.joined(separator: ", ")) \(context)"
            }
            line = parts.isEmpty ? "served at \(controller.pool ?? "")" : parts.joined(separator: "; ")
        }
        if !problems.isEmpty { line += "; \(problems.count) problem\(problems.count == 1 ? "" : "s")" }
        return line
    }
}
