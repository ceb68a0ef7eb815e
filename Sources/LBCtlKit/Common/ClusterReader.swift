import Foundation
import KubeAPI
import LBCore

/// Why the cluster could not be read, worded for the user (it names the server). lbctl exits
/// with `ExitCodes.clusterUnreachable` for it.
struct ClusterReadError: Error, Sendable, CustomStringConvertible {
    let description: String
}

/// The thin shell that reads what `status` and `explain` show: the ConfigMap, the Services, the
/// Leases and the relevant Events. Read-only; every decision is in the pure report builders.
enum ClusterReader {
    /// What else to read besides the config, the Services and the Leases.
    enum Events: Sendable {
        /// The controller's `AllocationFailed` events in every namespace.
        case allocationFailures
        /// Every event about one Service.
        case service(namespace: String, name: String)
    }

    /// The ConfigMap IronLB reads its config from.
    static let configMapName = "config"

    /// Reads a snapshot. `check`, when given, runs first on the same client (explain uses it to
    /// say "no such Service" before reading the rest).
    static func read(
        configuration: ClientConfiguration, ironlbNamespace: String, events wanted: Events,
        check: (@Sendable (KubeClient) async throws -> Void)? = nil
    ) async -> Result<ClusterSnapshot, ClusterReadError> {
        let server = configuration.server.absoluteString
        let client: KubeClient
        do {
            client = try KubeClient(configuration: configuration, userAgent: "lbctl/\(IronLBVersion.current)")
        } catch {
            return .failure(ClusterReadError(description: "cannot set up a client for \(server): \(error)"))
        }
        let result = await read(client, server: server, ironlbNamespace: ironlbNamespace, events: wanted, check: check)
        try? await client.shutdown()
        return result
    }

    private static func read(
        _ client: KubeClient, server: String, ironlbNamespace: String, events wanted: Events,
        check: (@Sendable (KubeClient) async throws -> Void)?
    ) async -> Result<ClusterSnapshot, ClusterReadError> {
        do {
            try await check?(client)
            var configText: String?
            do {
                let cm = try await client.get(ConfigMap.self, namespace: ironlbNamespace, name: configMapName)
                configText = cm.data["config"]
            } catch let error as KubeAPIError where error.isNotFound {
                configText = nil
            }
            let services = try await client.listAll(KubeAPI.Service.self).items
            let leases = try await client.listAll(Lease.self, namespace: ironlbNamespace).items
            var events = await optionalEvents(
                client, namespace: ironlbNamespace,
                fieldSelector: "involvedObject.kind=ConfigMap,involvedObject.name=\(configMapName)")
            switch wanted {
            case .allocationFailures:
                events += await optionalEvents(client, namespace: nil, fieldSelector: "reason=AllocationFailed")
            case .service(let namespace, let name):
                events += await optionalEvents(
                    client, namespace: namespace, fieldSelector: "involvedObject.kind=Service,involvedObject.name=\(name)")
            }
            return .success(
                ClusterSnapshot(
                    configText: configText, ironlbNamespace: ironlbNamespace,
                    services: services, leases: leases, events: events, now: Date()))
        } catch let error as ClusterReadError {
            return .failure(error)
        } catch let error as KubeAPIError {
            return .failure(describe(error, server: server))
        } catch {
            return .failure(ClusterReadError(description: "reading from the Kubernetes API server at \(server): \(error)"))
        }
    }

    /// A Kubernetes client error in the user's words, naming the server.
    static func describe(_ error: KubeAPIError, server: String) -> ClusterReadError {
        if case .transport(let message, let underlying) = error {
            let why = underlying.map { "\(message) (\($0))" } ?? message
            return ClusterReadError(description: "cannot reach the Kubernetes API server at \(server): \(why)")
        }
        return ClusterReadError(description: "the Kubernetes API server at \(server) refused: \(error)")
    }

    /// Events add detail but are not needed: a user without the right to list them still gets
    /// the report.
    private static func optionalEvents(_ client: KubeClient, namespace: String?, fieldSelector: String) async -> [KubeAPI.Event] {
        (try? await client.listAll(KubeAPI.Event.self, namespace: namespace, fieldSelector: fieldSelector).items) ?? []
    }
}
