import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Removing namespaces completely: processes first (a process keeps a namespace alive), then the
/// interfaces (namespace deletion is asynchronous, and a veth still being torn down makes an
/// immediate re-create fail with "File exists"), then the names.
enum LabCleanup {
    /// Names from `ip netns list` ("NAME" or "NAME (id: N)" per line).
    static func listNamespaces() throws -> [String] {
        let result = try LabCommand.must(["ip", "netns", "list"], timeout: 10)
        return result.stdout.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first.map(String.init)
        }
    }

    /// Removes those of `namespaces` that exist; returns what went wrong (empty when all went).
    static func remove(namespaces: [String]) -> [String] {
        var problems: [String] = []
        let existing: Set<String>
        do {
            existing = Set(try listNamespaces())
        } catch {
            return ["\(error)"]
        }
        let present = namespaces.filter { existing.contains($0) }
        for namespace in present { killProcesses(in: namespace, problems: &problems) }
        for namespace in present { deleteLinks(in: namespace, problems: &problems) }
        for namespace in present {
            do {
                try LabCommand.must(["ip", "netns", "del", namespace], timeout: 10)
            } catch {
                problems.append("\(error)")
            }
        }
        return problems
    }

    /// SIGKILLs every process whose network namespace is `namespace` and waits (bounded) until
    /// `ip netns pids` lists none.
    private static func killProcesses(in namespace: String, problems: inout [String]) {
        func pids() -> [Int32] {
            guard let result = try? LabCommand.run(["ip", "netns", "pids", namespace], timeout: 10), result.succeeded
            else { return [] }
            return result.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
        }
        let first = pids()
        guard !first.isEmpty else { return }
        for pid in first { kill(pid, SIGKILL) }
        let gone = labPoll(timeout: 5) {
            let left = pids()
            for pid in left { kill(pid, SIGKILL) }
            // Zombies (killed, not yet reaped by their parent) still count for `ip netns pids`
            // but hold no namespace reference once dead; only living ones matter.
            return left.allSatisfy { !isAlive($0) }
        }
        if !gone { problems.append("processes in \(namespace) survived SIGKILL: \(pids())") }
    }

    /// True unless the process is gone or a zombie.
    private static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        guard let close = stat.lastIndex(of: ")") else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.first.map { $0 != "Z" && $0 != "X" } ?? false
    }

    /// Deletes every interface but `lo` (deleting a veth end deletes its peer, in whichever
    /// namespace that is).
    private static func deleteLinks(in namespace: String, problems: inout [String]) {
        guard let result = try? LabCommand.run(["ip", "-n", namespace, "-o", "link", "show"], timeout: 10),
              result.succeeded else { return }
        for name in LinkState.names(fromOneLineOutput: result.stdout) where name != "lo" {
            // The peer of an earlier deletion may already be gone: a failure is only a problem
            // if the interface still exists.
            guard let deletion = try? LabCommand.run(["ip", "-n", namespace, "link", "del", name], timeout: 10),
                  !deletion.succeeded else { continue }
            if let again = try? LabCommand.run(["ip", "-n", namespace, "link", "show", name], timeout: 10), again.succeeded {
                problems.append("\(deletion.command): \(deletion.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
    }
}

/// An interface's MAC and operational state, read with `ip -j link show`.
struct LinkState: Sendable, Equatable {
    var mac: String
    var operState: String

    static func read(namespace: String, interface: String) throws -> LinkState {
        let result = try LabCommand.must(["ip", "-n", namespace, "-j", "link", "show", "dev", interface], timeout: 10)
        guard let state = parse(json: result.stdout) else {
            throw LabError.unparsableOutput(tool: result.command, output: result.stdout)
        }
        return state
    }

    /// Parses `ip -j link show dev X`: `[{"ifname":"X","address":"02:..","operstate":"UP",...}]`.
    static func parse(json: String) -> LinkState? {
        guard let array = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]],
              let link = array.first, let mac = link["address"] as? String else { return nil }
        return LinkState(mac: mac.lowercased(), operState: (link["operstate"] as? String) ?? "UNKNOWN")
    }

    /// Interface names from `ip -o link show` lines like `5: Pn1e0@if4: <BROADCAST,...> mtu ...`.
    static func names(fromOneLineOutput text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ":", maxSplits: 2)
            guard fields.count >= 2 else { return nil }
            let name = fields[1].trimmingCharacters(in: .whitespaces)
            return String(name.split(separator: "@").first ?? Substring(name))
        }
    }
}
