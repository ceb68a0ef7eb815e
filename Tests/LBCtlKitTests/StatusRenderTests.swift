import Foundation
import Testing

@testable import LBCtlKit

/// Snapshots of `lbctl status` output for `StatusFixtures.cluster`: the exact text of each
/// format. A change here is a user-visible change (and a CHANGELOG line).
@Suite struct StatusRenderTests {
    @Test func table() {
        let text = StatusTable.lines(StatusFixtures.cluster).joined(separator: "\n")
        #expect(text == Self.table)
    }

    @Test func json() throws {
        #expect(try StatusEncoding.json(StatusFixtures.cluster) == Self.json)
    }

    @Test func yaml() throws {
        #expect(try StatusEncoding.yaml(StatusFixtures.cluster) == Self.yaml)
    }

    @Test func jsonRoundTrips() throws {
        let text = try StatusEncoding.json(StatusFixtures.cluster)
        let decoded = try JSONDecoder().decode(StatusReport.self, from: Data(text.utf8))
        #expect(decoded == StatusFixtures.cluster)
    }

    static let table = #"""
        1 service pending; 1 speaker not live

        config: loaded (ConfigMap ironlb-system/config)

        POOL     PROTOCOL  IN USE
        default  layer2    IPv4 1/16, IPv6 0/18446744073709551616
        routed   bgp       IPv4 1/256

        SERVICE      IPS           POOL     MODE    NODE           STATUS
        default/db   -             -        -       -              pending: asks for pool "missing", which is not configured
        default/web  192.0.2.1     default  layer2  node-a         served
        shop/api     198.51.100.5  routed   bgp     node-a,node-b  served

        SPEAKER  LIVE  LAST RENEWAL  ANNOUNCED  MEMBERS        NOTE
        node-a   yes   2s ago        2          node-a,node-b
        node-b   yes   5s ago        1          node-a,node-b
        node-c   no    1h1m ago      -          -              no ironlb.dev/speaker-state annotation
        """#

    static let json = #"""
        {
          "config" : {
            "errors" : [

            ],
            "source" : "ConfigMap ironlb-system/config",
            "state" : "loaded"
          },
          "pools" : [
            {
              "families" : [
                {
                  "family" : "IPv4",
                  "inUse" : "1",
                  "total" : "16"
                },
                {
                  "family" : "IPv6",
                  "inUse" : "0",
                  "total" : "18446744073709551616"
                }
              ],
              "name" : "default",
              "protocol" : "layer2"
            },
            {
              "families" : [
                {
                  "family" : "IPv4",
                  "inUse" : "1",
                  "total" : "256"
                }
              ],
              "name" : "routed",
              "protocol" : "bgp"
            }
          ],
          "services" : [
            {
              "ips" : [

              ],
              "name" : "default/db",
              "reason" : "asks for pool \"missing\", which is not configured",
              "state" : "pending"
            },
            {
              "ips" : [
                "192.0.2.1"
              ],
              "mode" : "layer2",
              "name" : "default/web",
              "node" : "node-a",
              "pool" : "default",
              "state" : "served"
            },
            {
              "ips" : [
                "198.51.100.5"
              ],
              "mode" : "bgp",
              "name" : "shop/api",
              "node" : "node-a,node-b",
              "pool" : "routed",
              "state" : "served"
            }
          ],
          "speakers" : [
            {
              "announced" : 2,
              "lastRenewal" : "2026-06-14T09:59:58.000000Z",
              "lastRenewalAgeSeconds" : 2,
              "live" : true,
              "members" : [
                "node-a",
                "node-b"
              ],
              "node" : "node-a"
            },
            {
              "announced" : 1,
              "lastRenewal" : "2026-06-14T09:59:55.000000Z",
              "lastRenewalAgeSeconds" : 5,
              "live" : true,
              "members" : [
                "node-a",
                "node-b"
              ],
              "node" : "node-b"
            },
            {
              "lastRenewal" : "2026-06-14T08:58:20.000000Z",
              "lastRenewalAgeSeconds" : 3700,
              "live" : false,
              "members" : [

              ],
              "node" : "node-c",
              "note" : "no ironlb.dev/speaker-state annotation"
            }
          ],
          "verdict" : "1 service pending; 1 speaker not live"
        }
        """#

    static let yaml = #"""
        verdict: 1 service pending; 1 speaker not live
        config:
          state: loaded
          source: ConfigMap ironlb-system/config
          errors: []
        pools:
        - name: default
          protocol: layer2
          families:
          - family: IPv4
            inUse: '1'
            total: '16'
          - family: IPv6
            inUse: '0'
            total: '18446744073709551616'
        - name: routed
          protocol: bgp
          families:
          - family: IPv4
            inUse: '1'
            total: '256'
        services:
        - name: default/db
          state: pending
          ips: []
          reason: asks for pool "missing", which is not configured
        - name: default/web
          state: served
          ips:
          - 192.0.2.1
          pool: default
          mode: layer2
          node: node-a
        - name: shop/api
          state: served
          ips:
          - 198.51.100.5
          pool: routed
          mode: bgp
          node: node-a,node-b
        speakers:
        - node: node-a
          live: true
          lastRenewal: '2026-06-14T09:59:58.000000Z'
          lastRenewalAgeSeconds: 2
          announced: 2
          members:
          - node-a
          - node-b
        - node: node-b
          live: true
          lastRenewal: '2026-06-14T09:59:55.000000Z'
          lastRenewalAgeSeconds: 5
          announced: 1
          members:
          - node-a
          - node-b
        - node: node-c
          live: false
          lastRenewal: '2026-06-14T08:58:20.000000Z'
          lastRenewalAgeSeconds: 3700
          members: []
          note: no ironlb.dev/speaker-state annotation
        """#
}
