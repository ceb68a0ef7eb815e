import HeapModule

/// The free space of one pool for one address family, built so that no operation walks the
/// pool's size: a /64 costs what a /29 costs.
///
/// Addresses are handed out lowest first. Two structures find the lowest free address:
/// - a **cursor** that only moves forward over the pool's ranges (sorted by address). Everything
///   at or past the cursor that is not in use is free. The cursor steps over addresses in use
///   (and, with avoid-buggy-ips, .0/.255) one at a time, but each in-use address is stepped over
///   at most once per rebuild, so the cost is amortised over assignments, never the pool size;
/// - a **min-heap of released addresses** below the cursor. A released address above the cursor
///   needs no bookkeeping: the cursor will find it free when it gets there.
///
/// Heap entries are removed lazily: an address taken by an explicit request while in the heap
/// stays there until it reaches the top, where it is seen to be in use and dropped. `inHeap`
/// keeps each address in the heap at most once, so the heap never holds more than the number of
/// distinct released addresses.
struct FamilySpace: Sendable {
    let family: IPFamily
    /// The pool's ranges of this family, sorted by first address (pools never overlap).
    let ranges: [IPRange]
    let avoidBuggyIPs: Bool

    private var cursorRange = 0
    private var cursorValue: UInt128
    private var cursorDone: Bool
    private var freed = Heap<UInt128>()
    private var inHeap = Set<UInt128>()
    /// Number of distinct addresses of this family in use in this pool.
    private(set) var inUse = 0

    init(family: IPFamily, ranges: [IPRange], avoidBuggyIPs: Bool) {
        self.family = family
        self.ranges = ranges.filter { $0.family == family }.sorted { $0.first.value < $1.first.value }
        self.avoidBuggyIPs = avoidBuggyIPs && family == .ipv4
        self.cursorValue = self.ranges.first?.first.value ?? 0
        self.cursorDone = self.ranges.isEmpty
    }

    var isEmpty: Bool { ranges.isEmpty }

    /// Usable addresses (buggy ones excluded when avoided), exact.
    var total: AddressCount {
        var t = AddressCount.zero
        for r in ranges {
            t += r.count
            if avoidBuggyIPs { t -= r.buggyIPv4Count }
        }
        return t
    }

    func contains(_ value: UInt128) -> Bool {
        // Binary search: the last range starting at or before `value`.
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].first.value <= value { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 && value <= ranges[lo - 1].last.value
    }

    func isBuggy(_ value: UInt128) -> Bool {
        avoidBuggyIPs && (value & 0xFF == 0 || value & 0xFF == 0xFF)
    }

    /// The lowest free address, or nil when the pool is exhausted for this family. It does not
    /// take the address: the caller marks it in use (and calls `didTake`) once the whole
    /// assignment succeeds. It may advance the cursor or drop stale heap entries, which changes
    /// no answer.
    mutating func lowestFree(isInUse: (UInt128) -> Bool) -> UInt128? {
        while let top = freed.min {
            if isInUse(top) || isBuggy(top) || !contains(top) {
                _ = freed.popMin()
                inHeap.remove(top)
                continue
            }
            return top
        }
        while !cursorDone {
            let v = cursorValue
            if isBuggy(v) || isInUse(v) {
                advanceCursor()
                continue
            }
            return v
        }
        return nil
    }

    private mutating func advanceCursor() {
        if cursorValue >= ranges[cursorRange].last.value {
            cursorRange += 1
            if cursorRange >= ranges.count {
                cursorDone = true
            } else {
                cursorValue = ranges[cursorRange].first.value
            }
        } else {
            cursorValue += 1
        }
    }

    /// True when `value` lies before the cursor (so the cursor will never see it again).
    private func isBehindCursor(_ value: UInt128) -> Bool {
        if cursorDone { return true }
        return value < cursorValue
    }

    /// Records that `value` became used (it was free before).
    mutating func didTake(_ value: UInt128) {
        inUse += 1
    }

    /// Records that `value` became free (it was used before).
    mutating func didRelease(_ value: UInt128) {
        inUse -= 1
        if isBehindCursor(value) && !inHeap.contains(value) {
            freed.insert(value)
            inHeap.insert(value)
        }
    }
}
