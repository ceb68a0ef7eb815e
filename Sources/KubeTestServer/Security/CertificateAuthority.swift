import Crypto
import Foundation
import X509

/// A throw-away certificate authority generated at start (ECDSA P-256), which signs the server's
/// certificate and any client certificates tests ask for. The real API server trusts client
/// certificates from its client CA the same way.
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    let key: P256.Signing.PrivateKey
    public let certificatePEM: String

    public struct Issued: Sendable {
        public let certificatePEM: String
        public let privateKeyPEM: String
        public let certificateDER: [UInt8]
        public let privateKeyDER: [UInt8]
    }

    public init(commonName: String = "ironlb-kube-test-server-ca") throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let now = Date()
        certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(key.publicKey))
            },
            issuerPrivateKey: .init(key))
        self.key = key
        certificatePEM = try certificate.serializeAsPEM().pemString
    }

    /// A serving certificate for `dnsNames` and `ipAddresses` (textual IPs).
    public func issueServerCertificate(dnsNames: [String], ipAddresses: [String]) throws -> Issued {
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        for text in ipAddresses {
            if let ip = IPText(text) { names.append(.ipAddress(.init(contentBytes: ip.bytes[...]))) }
        }
        let subjectAlternativeNames = SubjectAlternativeNames(names)
        return try issue(commonName: "kube-apiserver", organizations: [], extensions: Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            try ExtendedKeyUsage([.serverAuth])
            subjectAlternativeNames
        })
    }

    /// A client certificate; the API server reads the user from CN and groups from O.
    public func issueClientCertificate(commonName: String, organizations: [String] = ["system:masters"]) throws -> Issued {
        try issue(commonName: commonName, organizations: organizations, extensions: Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            try ExtendedKeyUsage([.clientAuth])
        })
    }

    private func issue(commonName: String, organizations: [String], extensions: Certificate.Extensions) throws -> Issued {
        let leafKey = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            for organization in organizations { OrganizationName(organization) }
            CommonName(commonName)
        }
        var all = extensions
        try all.append(Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: .init(key.publicKey)).keyIdentifier), critical: false))
        let now = Date()
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(leafKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(365 * 86_400),
            issuer: certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: all, issuerPrivateKey: .init(key))
        let der = try leaf.serializeAsPEM().derBytes
        return Issued(certificatePEM: try leaf.serializeAsPEM().pemString, privateKeyPEM: leafKey.pemRepresentation,
                      certificateDER: der, privateKeyDER: Array(leafKey.derRepresentation))
    }
}
