/// Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog,
/// 2015): the n-th wait is uniform in [0, min(maximum, initial * multiplier^n)]. Full jitter spreads
/// the reconnects of many clients after an API server restart instead of synchronising them.
public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// Consecutive failures so far.
    public private(set) var attempt: Int = 0

    /// Defaults: 100 ms doubling to 30 s, close to client-go's reflector (800 ms to 30 s), but
    /// quicker for the first retry since IronLB's failover speed depends on a fresh cache.
    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(30), multiplier: Double = 2) {
        self.initial = initial
        self.maximum = max(maximum, initial)
        self.multiplier = max(multiplier, 1)
    }

    /// The ceiling for the current attempt, before jitter.
    public var ceiling: Duration {
        let factor = pow(multiplier, Double(min(attempt, 62)))
        let seconds = min(initial.seconds * factor, maximum.seconds)
        return .nanoseconds(Int64(seconds * 1e9))
    }

    /// The next wait, and counts one more failure.
    public mutating func next<G: RandomNumberGenerator>(using generator: inout G) -> Duration {
        let ceiling = self.ceiling
        attempt += 1
        let nanoseconds = Int64(ceiling.seconds * 1e9)
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanoseconds, using: &generator))
    }

    public mutating func next() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return next(using: &generator)
    }

    /// After a success: the next failure waits at most `initial` again.
    public mutating func reset() { attempt = 0 }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var remaining = Int(exponent)
    while remaining > 0 {
        result *= base
        remaining -= 1
        if result > 1e12 { return result }
    }
    return result
}
