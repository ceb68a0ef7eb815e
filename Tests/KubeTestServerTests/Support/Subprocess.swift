import Foundation

/// Runs external programs (kubectl, curl) with a timeout, capturing their output.
final class Subprocess: @unchecked Sendable {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
    }

    let process = Process()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    private let outPipe = Pipe()
    private let errPipe = Pipe()
    private let inPipe = Pipe()

    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        outPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.out.append(data) }
        }
        errPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.err.append(data) }
        }
    }

    func start(input: String? = nil) throws {
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try? inPipe.fileHandleForWriting.close()
    }

    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }

    /// Waits until `condition(stdout)` holds or the timeout passes.
    func waitForOutput(timeout: Double, _ condition: (String) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(stdout) { return true }
            if !process.isRunning { return condition(stdout) }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return condition(stdout)
    }

    /// Waits for exit, killing the process after `timeout` seconds.
    func wait(timeout: Double) async -> Result {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { try? await Task.sleep(nanoseconds: 10_000_000) }
        if process.isRunning { stop() }
        process.waitUntilExit()
        // Let the readability handlers drain what is left in the pipes.
        try? await Task.sleep(nanoseconds: 20_000_000)
        outPipe.fileHandleForReading.readabilityHandler = nil
        errPipe.fileHandleForReading.readabilityHandler = nil
        let restOut = (try? outPipe.fileHandleForReading.readToEnd()) ?? nil
        let restErr = (try? errPipe.fileHandleForReading.readToEnd()) ?? nil
        lock.withLock {
            if let restOut { out.append(restOut) }
            if let restErr { err.append(restErr) }
        }
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Stops the process (SIGTERM, then SIGKILL) by its own pid.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    static func run(_ executable: String, _ arguments: [String], input: String? = nil, timeout: Double = 30) async throws -> Result {
        let subprocess = Subprocess(executable, arguments)
        try subprocess.start(input: input)
        return await subprocess.wait(timeout: timeout)
    }
}

/// A temporary directory removed when the test is done.
final class TemporaryDirectory {
    let path: String

    init(_ prefix: String = "kts") throws {
        path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, _ contents: String) throws -> String {
        let file = path + "/" + name
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}
