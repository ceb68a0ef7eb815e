import ArgumentParser
import Dispatch
import Foundation
import KubeTestServer
import NIOCore

/// `kube-test-server --listen HOST:PORT [--tls]`: an in-memory Kubernetes API server for tests and
/// the lab. Prints one line when ready; SIGTERM/SIGINT stop it with exit status 0.
@main
struct KubeTestServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kube-test-server",
        abstract: "An in-memory Kubernetes API server faithful to the subset IronLB uses.")

    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free port).")
    var listen = "127.0.0.1:6443"

    @Flag(help: "Serve HTTPS with a CA and certificate generated at start.")
    var tls = false

    @Option(help: "Write a kubeconfig for this server to this path.")
    var kubeconfigOut: String?

    @Option(help: "Bearer token clients must present (generated when omitted).")
    var token: String?

    @Flag(help: "Accept requests without credentials. Implied without --tls unless --token is given: kubectl sends no bearer token over plain HTTP.")
    var allowAnonymous = false

    @Option(help: "Changes kept in the watch history; older resourceVersions get 410 Expired.")
    var history = 1000

    @Option(help: "Seconds between watch bookmarks.")
    var bookmarkInterval = 60

    @Option(help: "Context (and cluster and user) name in the kubeconfig.")
    var context = "ironlb-lab"

    func validate() throws {
        guard parseListen() != nil else { throw ValidationError("--listen must be HOST:PORT, got '\(listen)'") }
        guard history > 0 else { throw ValidationError("--history must be positive") }
        guard bookmarkInterval > 0 else { throw ValidationError("--bookmark-interval must be positive") }
    }

    func parseListen() -> (String, Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    func run() async throws {
        guard let (host, port) = parseListen() else { throw ExitCode.validationFailure }
        var configuration = KubeTestServer.Configuration()
        configuration.host = host
        configuration.port = port
        configuration.tls = tls
        configuration.token = token
        configuration.allowAnonymous = allowAnonymous || (!tls && token == nil)
        configuration.historyLimit = history
        configuration.bookmarkInterval = .seconds(Int64(bookmarkInterval))
        let server = try await KubeTestServer.start(configuration)
        if let kubeconfigOut { try server.writeKubeconfig(to: kubeconfigOut, contextName: context) }
        let stop = AsyncStream<Int32> { continuation in
            for signalNumber in [SIGTERM, SIGINT] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
                source.setEventHandler { continuation.yield(signalNumber) }
                source.resume()
                SignalSources.keep(source)
            }
        }
        FileHandle.standardOutput.write(Data("kube-test-server listening on \(server.url)\n".utf8))
        for await _ in stop { break }
        try await server.shutdown()
    }
}

/// Keeps signal sources alive for the life of the process.
enum SignalSources {
    nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []
    static func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
}

