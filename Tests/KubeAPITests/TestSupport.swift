import Foundation

@testable import KubeAPI

/// A directory unique to one test, removed afterwards (tests run in parallel).
func withTemporaryDirectory<R>(_ body: (String) async throws -> R) async throws -> R {
    let path = NSTemporaryDirectory() + "kubeapi-tests-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

func write(_ text: String, to path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

/// A self-signed P-256 certificate and its key (CN=ironlb-test, valid for 100 years), made with
/// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1`.
enum Fixtures {
    static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBgzCCASmgAwIBAgIUZRTz9T/Le9gRohhAbB34JPT8XY0wCgYIKoZIzj0EAwIw
        FjEUMBIGA1UEAwwLaXJvbmxiLXRlc3QwIBcNMjYxMTIxMDU1OTI1WhgPMjEyNjEw
        MjgwNTU5MjVaMBYxFDASBgNVBAMMC2lyb25sYi10ZXN0MFkwEwYHKoZIzj0CAQYI
        KoZIzj0DAQcDQgAEVlwd/KCeIzRG8Q/SrGY2q7a/o8IRd/TIoj4xaaFJqvxJTuuM
        WjeDSUj0VF73/SRfjucvbCWsRyh1CXIx8uWX6KNTMFEwHQYDVR0OBBYEFM2cJRuz
        1WyKV7ytbA5XiQtKmOmLMB8GA1UdIwQYMBaAFM2cJRuz1WyKV7ytbA5XiQtKmOmL
        MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgeeWOYNJm6MXzBDN4
        ZqVIKDTf1+lPwR3E0rsoEo6Gge0CIQDAT8Wh/zte4p6ESY38/QPTA/U8xXQc2Q2e
        HXQIJyhvTQ==
        -----END CERTIFICATE-----

        """
    static let keyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgn2FUBwyJQWH5z+WJ
        mi9OaPLs/xOjjmTPKew9UlLAnNuhRANCAARWXB38oJ4jNEbxD9KsZjartr+jwhF3
        9MiiPjFpoUmq/ElO64xaN4NJSPRUXvf9JF+O5y9sJaxHKHUJcjHy5Zfo
        -----END PRIVATE KEY-----

        """
    static var certificateBase64: String { Data(certificatePEM.utf8).base64EncodedString() }
    static var keyBase64: String { Data(keyPEM.utf8).base64EncodedString() }
}
