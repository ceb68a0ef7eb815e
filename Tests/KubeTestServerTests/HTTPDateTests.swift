import Foundation
import Testing

@testable import KubeTestServer

@Suite struct HTTPDateTests {
    @Test(arguments: [
        (784_111_777.0, "Sun, 06 Nov 1994 08:49:37 GMT"),  // RFC 9110's own example
        (0.0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (951_782_400.0, "Tue, 29 Feb 2000 00:00:00 GMT"),  // leap day
        (1_795_219_199.9, "Fri, 20 Nov 2026 23:59:59 GMT"),  // fractions are cut, not rounded up
    ])
    func imfFixdate(seconds: Double, expected: String) {
        #expect(HTTPHandler.httpDate(Date(timeIntervalSince1970: seconds)) == expected)
    }
}
