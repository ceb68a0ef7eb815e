// l2-responder: answers ARP/NDP for the given IPs on one interface until SIGTERM/SIGINT.
// Usage: l2-responder --interface IF --ip A [--ip B ...]
//        l2-responder --list-interfaces [--ip A ...]
// Prints `ready` once listening and its counters at exit. --list-interfaces prints the interfaces
// as LBNet sees them and, per --ip, the announce-interface choice, then exits.
// Argument parsing and wiring only.
import Foundation
import LBCore
import LBNet

#if canImport(Glibc)
import Glibc
#endif

/// Writes a line straight to fd 1: unbuffered, so `ready` is visible at once even through a pipe
/// (Swift 6 rejects Glibc's `stdout` global as not concurrency-safe, so no fflush).
func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        if n <= 0 { return }
        offset += n
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("l2-responder: \(message)\n".utf8))
    exit(2)
}

let usage = "usage: l2-responder --interface IF --ip A [--ip B ...] | --list-interfaces [--ip A ...]"
var interface: String?
var listInterfaces = false
var ips: Set<IPAddress> = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--interface", "-i":
        guard let value = arguments.popFirst() else { fail("--interface needs a value") }
        interface = value
    case "--ip":
        guard let value = arguments.popFirst() else { fail("--ip needs a value") }
        guard let ip = IPAddress(value) else { fail("--ip \(value): not an IPv4 or IPv6 address") }
        ips.insert(ip)
    case "--list-interfaces":
        listInterfaces = true
    case "--help", "-h":
        say(usage)
        exit(0)
    default:
        fail("unexpected argument \(argument); \(usage)")
    }
}
if listInterfaces {
    do {
        let interfaces = try Interfaces.list()
        for info in interfaces { say(info.description) }
        for ip in ips.sorted() { say("\(ip): \(AnnounceInterfaces.select(for: ip, among: interfaces))") }
        exit(0)
    } catch {
        fail("\(error)")
    }
}
guard let interface else { fail("--interface is required") }
guard !ips.isEmpty else { fail("at least one --ip is required") }

// Block the signals before any thread starts so every thread inherits the mask and sigwait below
// receives them synchronously.
var signals = sigset_t()
sigemptyset(&signals)
sigaddset(&signals, SIGTERM)
sigaddset(&signals, SIGINT)
pthread_sigmask(SIG_BLOCK, &signals, nil)

let announcer: Layer2Announcer
do {
    announcer = try Layer2Announcer(interface: interface)
} catch {
    fail("\(error)")
}
announcer.start()
announcer.setOwned(ips)
say("ready")

var received: Int32 = 0
sigwait(&signals, &received)
announcer.stop()
say("counters \(announcer.counters)")
exit(0)
