import LBCore
import LBWire

/// What `inspectForeignAnswer` found in a frame seen on the wire.
public enum ForeignAnswer: Hashable, Sendable {
    /// Another MAC claims one of our owned IPs. DESIGN.md: reported (event + metric), never
    /// fought over.
    case conflict(ip: IPAddress, foreignMAC: MACAddress)
    /// Nothing that contradicts our ownership.
    case noConflict
}
