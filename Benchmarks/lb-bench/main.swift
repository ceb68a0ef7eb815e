// Allocator throughput benchmark: allocate+release pairs per second on a /29, a /16 IPv4 and a
// /64 IPv6 pool, with 0, 10k and 100k existing assignments. Run with `make bench` (release build).
//
// Each pair assigns a new Service (automatic allocation from the measured pool) and releases the
// oldest of a small window of live churn Services, so the free-space structures move (cursor and
// heap) instead of handing the same address back and forth. Existing assignments live in the
// measured pool when it has room for them, else in a background /8 pool listed after it.
import LBCore

#if canImport(Glibc)
    import Glibc
#endif

struct Case {
    let label: String
    let range: String
    let existing: Int
    /// Release every other existing assignment before measuring, so the free heap is large.
    var holes = false
}

let cases: [Case] = [0, 10_000, 100_000].flatMap { n in
    [
        Case(label: "/29 IPv4", range: "192.0.2.0/29", existing: n),
        Case(label: "/16 IPv4", range: "10.20.0.0/16", existing: n),
        Case(label: "/64 IPv6", range: "2001:db8::/64", existing: n),
    ]
} + [Case(label: "/16 IPv4", range: "10.20.0.0/16", existing: 60_000, holes: true)]

let target = 500_000.0
let window = 4
let pairsPerRound = 200_000
let rounds = 5

func peakRSSKiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss
}

func measure(_ c: Case) -> (opsPerSec: Double, existingWhere: String, setupSeconds: Double) {
    guard let measured = try? IPRange.parse(c.range),
        let background = try? IPRange.parse("100.64.0.0/10")
    else { fatalError("bad benchmark range") }
    let fam: IPFamily = measured.family
    let fits = measured.count > AddressCount(UInt128(c.existing + window + 1))
    let pools = [
        AddressPool(name: "measured", protocol: .layer2, ranges: [measured]),
        AddressPool(name: "background", protocol: .layer2, ranges: [background]),
    ]
    var alloc = Allocator(config: Config(pools: pools))
    let clock = ContinuousClock()
    let setupStart = clock.now
    for i in 0..<c.existing {
        let r = ServiceRequest(
            key: ServiceKey(namespace: "existing", name: "svc-\(i)"), pool: fits ? "measured" : "background",
            ports: [ServicePort(80)], ipFamilies: [fits ? fam : .ipv4])
        if case .failure(let e) = alloc.assign(r) { fatalError("setup: \(e)") }
    }
    if c.holes {
        for i in stride(from: 0, to: c.existing, by: 2) {
            alloc.release(ServiceKey(namespace: "existing", name: "svc-\(i)"))
        }
    }
    let setup = clock.now - setupStart
    // Pre-built churn requests so the loop measures the allocator, not string formatting.
    let churn = (0..<1024).map { i in
        ServiceRequest(
            key: ServiceKey(namespace: "churn", name: "c-\(i)"), pool: "measured", ports: [ServicePort(80)],
            ipFamilies: [fam])
    }
    var best = 0.0
    var live: [ServiceKey] = []
    var next = 0
    for _ in 0..<rounds {
        let start = clock.now
        for _ in 0..<pairsPerRound {
            let r = churn[next & 1023]
            next &+= 1
            if live.count >= window {
                alloc.release(live.removeFirst())
            }
            switch alloc.assign(r) {
            case .success: live.append(r.key)
            case .failure(let e): fatalError("churn: \(e)")
            }
        }
        let elapsed = clock.now - start
        let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        best = max(best, Double(pairsPerRound) / secs)
    }
    let violations = alloc.invariantViolations()
    if !violations.isEmpty { fatalError("invariants broken: \(violations.prefix(3))") }
    let s = Double(setup.components.seconds) + Double(setup.components.attoseconds) * 1e-18
    return (best, c.holes ? "in pool, 50% freed" : fits ? "in pool" : "background /10", s)
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
func fmt(_ d: Double) -> String {
    let i = Int(d.rounded())
    var s = String(i)
    var out = ""
    while s.count > 3 {
        out = "," + s.suffix(3) + out
        s = String(s.dropLast(3))
    }
    return s + out
}

print("IronLB allocator benchmark — allocate+release pairs/s (best of \(rounds) rounds × \(fmt(Double(pairsPerRound))) pairs, window \(window))")
print("target: ≥ \(fmt(target)) pairs/s on every case; /64 within 2x of /29")
print("")
print(pad("pool", 10) + lpad("existing", 10) + "  " + pad("existing in", 20) + lpad("pairs/s", 14) + lpad("setup s", 10) + "  vs target")
var results: [String: Double] = [:]
for c in cases {
    let r = measure(c)
    results["\(c.label)#\(c.existing)"] = r.opsPerSec
    let verdict = r.opsPerSec >= target ? "ok" : "BELOW"
    print(
        pad(c.label, 10) + lpad(fmt(Double(c.existing)), 10) + "  " + pad(r.existingWhere, 20)
            + lpad(fmt(r.opsPerSec), 14) + lpad(String(format: r.setupSeconds), 10) + "  \(verdict)")
}
print("")
for n in [0, 10_000, 100_000] {
    if let a = results["/29 IPv4#\(n)"], let b = results["/64 IPv6#\(n)"] {
        let ratio = a / b
        print("existing \(lpad(fmt(Double(n)), 7)): /29 ÷ /64 throughput = \(String(format: ratio)) (target ≤ 2.00) \(ratio <= 2 ? "ok" : "ABOVE")")
    }
}
print("peak RSS: \(peakRSSKiB() / 1024) MiB")

func String(format d: Double) -> String {
    let scaled = (d * 100).rounded() / 100
    let whole = Int(scaled)
    let frac = Int(((scaled - Double(whole)) * 100).rounded())
    return "\(whole).\(frac < 10 ? "0" : "")\(frac)"
}
