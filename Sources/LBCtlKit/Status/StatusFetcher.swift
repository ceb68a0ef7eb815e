import Foundation
import KubeAPI
import LBCore

/// Why the cluster's state could not be read, worded for the user (it names the server).
struct StatusFetchError: Error, Sendable, CustomStringConvertible {
    let description: String
}

/// The thin shell of `lbctl status`: reads the ConfigMap, the Services and the Leases, then
/// hands them to the pure `StatusReport.build`.
enum StatusFetcher {
    static func fetch(configuration: ClientConfiguration, namespace: String) async -> Result<StatusReport, StatusFetchError> {
        let server = configuration.server.absoluteString
        let client: KubeClient
        do {
            client = try KubeClient(configuration: configuration, userAgent: "lbctl/\(IronLBVersion.current)")
        } catch {
            return .failure(StatusFetchError(description: "cannot set up a client for \(server): \(error)"))
        }
        do {
            var configText: String?
            do {
                let cm = try await client.get(ConfigMap.self, namespace: namespace, name: "config")
                configText = cm.data["config"]
            } catch let error as KubeAPIError where error.isNotFound {
                configText = nil
            }
            let services = try await client.listAll(KubeAPI.Service.self).items
            let leases = try await client.listAll(Lease.self, namespace: namespace).items
            let report = StatusReport.build(
                configText: configText, configSource: "ConfigMap \(namespace)/config", services: services,
                leases: leases, now: Date())
            try? await client.shutdown()
            return .success(report)
        } catch let error as KubeAPIError {
            try? await client.shutdown()
            if case .transport(let message, let underlying) = error {
                let why = underlying.map { "\(message) (\($0))" } ?? message
                return .failure(StatusFetchError(description: "cannot reach the Kubernetes API server at \(server): \(why)"))
            }
            return .failure(StatusFetchError(description: "the Kubernetes API server at \(server) refused: \(error)"))
        } catch {
            try? await client.shutdown()
            return .failure(StatusFetchError(description: "reading from the Kubernetes API server at \(server): \(error)"))
        }
    }
}
