import LBCore
import LBWire
import LBTestSupport
import NIOCore

/// The error `body` throws, nil if it returns.
func frameError<T>(_ body: () throws(FrameError) -> T) -> FrameError? {
    do throws(FrameError) {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// A fixture address; traps on a typo in the test itself.
func addr(_ text: String) -> IPAddress {
    guard let a = IPAddress(text) else { preconditionFailure("bad test address \(text)") }
    return a
}
