import Foundation
import LBLab
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT), SIGTERM and SIGHUP while a lab exists: remove the lab, then exit 130 (as a
/// shell reports an interrupted command). The signals are handled on a dispatch queue, not in an
/// async-signal context, so the clean-up may run commands. Lab processes run in process groups
/// of their own, so a terminal's Ctrl-C reaches only lab-demo, which then stops them.
enum Interrupts {
    private static let lab = Mutex<Lab?>(nil)
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// The lab to remove if a signal arrives (nil: none, e.g. after `up` hands it over).
    static func guardLab(_ value: Lab?) {
        lab.withLock { $0 = value }
    }

    static func install() {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                Output.warn("\nlab-demo: signal \(signalNumber): removing the lab before exiting")
                if let current = lab.withLock({ $0 }) { DemoDeployment.teardown(lab: current) }
                exit(130)
            }
            source.resume()
            sources.append(source)
        }
    }
}
