import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child started with posix_spawn(3) and reaped by a thread of its own.
///
/// Foundation's `Process` is not used: on Linux a child it starts inherits whatever signal mask
/// and ignored signals the spawning thread has (under the test runner SIGTERM and SIGINT did not
/// reach `sleep` or `tcpdump`), and its termination is only reported once every descendant has
/// closed an inherited descriptor (`sh -c 'daemon &'` looked alive until the daemon died). Here the
/// child gets an empty signal mask, default dispositions for every signal, its own process group
/// (so a timeout can kill what it started too) and only descriptors 0-2.
final class ChildProcess: Sendable {
    let pid: pid_t
    private let status = Mutex<LabProcess.Exit?>(nil)
    private let finished = DispatchGroup()

    /// Starts `executable` (an absolute path) with stdin from /dev/null, stdout to `stdoutPath` and
    /// stderr to `stderrPath` (nil: the same file as stdout). Both files are created or truncated.
    init(executable: String, arguments: [String], environment: [String: String]?, stdoutPath: String,
         stderrPath: String?) throws {
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        let flags = O_WRONLY | O_CREAT | O_TRUNC
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, stdoutPath, flags, 0o644)
        if let stderrPath {
            posix_spawn_file_actions_addopen(&fileActions, 2, stderrPath, flags, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        }
        // Descriptors the test process holds without FD_CLOEXEC must not leak into lab daemons.
        // (glibc >= 2.34 has addclosefrom_np; Swift's Glibc module does not declare it.)
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&fileActions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var environmentStrings = ProcessInfo.processInfo.environment
        if let environment { environmentStrings.merge(environment) { _, new in new } }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environmentStrings.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &fileActions, &attributes, argv, envp)
        guard result == 0 else {
            throw LabError.launchFailed(command: LabCommand.display([executable] + arguments),
                                        reason: String(cString: strerror(result)))
        }
        self.pid = pid
        let child = pid
        finished.enter()
        // Holds the object until the child is reaped.
        let reaper = Thread { [self] in
            var raw: Int32 = 0
            while waitpid(child, &raw, 0) == -1 && errno == EINTR {}
            // <sys/wait.h> macros: low 7 bits are the terminating signal, 0 for a normal exit.
            let signal = raw & 0x7f
            self.status.withLock { $0 = signal == 0 ? .exited((raw >> 8) & 0xff) : .signalled(signal) }
            self.finished.leave()
        }
        reaper.name = "lblab-reaper-\(child)"
        reaper.start()
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    /// posix_spawn_file_actions_addclosefrom_np, looked up at run time; nil on an older libc.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// How it ended, or nil while it runs (or is stopped).
    var exit: LabProcess.Exit? { status.withLock { $0 } }

    /// Sends `signal` to the child only, unless it has been reaped (its pid may be reused).
    func signal(_ signal: Int32) {
        status.withLock { if $0 == nil { _ = kill(pid, signal) } }
    }

    /// Sends `signal` to the child's whole process group (what it started, too).
    func signalGroup(_ signal: Int32) {
        // The group outlives the leader while members remain; a pgid is only reused once it is empty.
        _ = kill(-pid, signal)
    }

    /// Waits at most `timeout` seconds; returns how it ended or nil while it runs.
    @discardableResult
    func wait(timeout: Double) -> LabProcess.Exit? {
        _ = finished.wait(timeout: .now() + max(0, timeout))
        return exit
    }
}
