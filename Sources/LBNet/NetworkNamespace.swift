import CLBNet
import Foundation
import Synchronization

/// Opens things inside another network namespace without moving the process: `run(in:)` starts a
/// fresh thread, moves only that thread into the namespace (setns(2) is per thread), runs the body
/// and lets the thread exit. Sockets opened there stay bound to that namespace, so a test or the
/// local lab can drive an announcer per node namespace from one process.
public enum NetworkNamespace {
    /// Runs `body` inside the namespace named `name` (as created by `ip netns add`, i.e.
    /// /var/run/netns/NAME) and returns its result. Needs CAP_SYS_ADMIN.
    public static func run<T: Sendable>(in name: String, _ body: @escaping @Sendable () throws -> T) throws -> T {
        try run(atPath: "/var/run/netns/\(name)", label: name, body)
    }

    public static func run<T: Sendable>(
        atPath path: String, label: String? = nil, _ body: @escaping @Sendable () throws -> T
    ) throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let result: Result<T, any Error>
            if clbnet_enter_netns(path) != 0 {
                result = .failure(LBNetError.current("setns", label ?? path))
            } else {
                result = Result { try body() }
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        thread.name = "ironlb-netns"
        thread.start()
        done.wait()
        guard let result = outcome.withLock({ $0 }) else {
            throw LBNetError(operation: "setns", interface: label ?? path, errno: EINVAL)
        }
        return try result.get()
    }
}
