import LBCore
import LBWire
import NIOCore

/// The frames that announce a takeover of an address, ready for the wire.
public enum GratuitousFrames {
    /// For IPv4: a gratuitous ARP request (RFC 5227 section 3 announcement) and a gratuitous
    /// ARP reply (RFC 5944 section 4.6), both broadcast: some stacks update their cache only
    /// from requests, others only from replies, so both are sent. For IPv6: one unsolicited
    /// Neighbor Advertisement to all-nodes with Override set (RFC 4861 section 7.2.6). Empty for
    /// an address that cannot be announced (IPv6 multicast or unspecified).
    public static func frames(announcing ip: IPAddress, from mac: MACAddress, vlan: VLANTag? = nil) -> [ByteBuffer] {
        switch ip.family {
        case .ipv4:
            return ARPFrame.GratuitousForm.allCases.compactMap { form in
                ARPFrame.gratuitous(form, ip: ip, mac: mac, vlan: vlan)?.encoded()
            }
        case .ipv6:
            guard let na = NDPFrame.unsolicitedAdvertisement(ip: ip, mac: mac, vlan: vlan) else { return [] }
            return [na.encoded()]
        }
    }

    /// The gratuitous ARP request for `ip` (IPv4 only).
    public static func arpRequest(announcing ip: IPAddress, from mac: MACAddress, vlan: VLANTag? = nil) -> ByteBuffer? {
        ARPFrame.gratuitous(.request, ip: ip, mac: mac, vlan: vlan)?.encoded()
    }

    /// The gratuitous ARP reply for `ip` (IPv4 only).
    public static func arpReply(announcing ip: IPAddress, from mac: MACAddress, vlan: VLANTag? = nil) -> ByteBuffer? {
        ARPFrame.gratuitous(.reply, ip: ip, mac: mac, vlan: vlan)?.encoded()
    }

    /// The unsolicited Neighbor Advertisement for `ip` (unicast IPv6 only).
    public static func unsolicitedAdvertisement(
        announcing ip: IPAddress, from mac: MACAddress, vlan: VLANTag? = nil
    ) -> ByteBuffer? {
        NDPFrame.unsolicitedAdvertisement(ip: ip, mac: mac, vlan: vlan)?.encoded()
    }
}
