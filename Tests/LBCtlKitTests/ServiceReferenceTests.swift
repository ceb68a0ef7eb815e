import Foundation
import Testing

@testable import LBCtlKit

/// `svc/NAMESPACE/NAME` parsing.
@Suite struct ServiceReferenceTests {
    @Test(arguments: [
        ("svc/shop/api", "shop", "api"), ("service/shop/api", "shop", "api"), ("services/shop/api", "shop", "api"),
        ("SVC/shop/api", "shop", "api"),
    ])
    func fullForms(_ text: String, _ namespace: String, _ name: String) throws {
        let reference = try ServiceReference.parse(text).get()
        #expect(reference == ServiceReference(namespace: namespace, name: name))
    }

    @Test func nameOnly() throws {
        #expect(try ServiceReference.parse("svc/api").get() == ServiceReference(namespace: nil, name: "api"))
    }

    @Test(arguments: [
        ("api", "\"api\" is not a Service reference: expected svc/NAMESPACE/NAME or svc/NAME (service/ and services/ work too)"),
        ("pod/x", "\"pod/x\" is not a Service reference: expected svc/NAMESPACE/NAME or svc/NAME (service/ and services/ work too)"),
        ("svc/a/b/c", "\"svc/a/b/c\" has too many parts: expected svc/NAMESPACE/NAME or svc/NAME"),
        ("svc/", "\"svc/\": the Service name is empty"),
        ("svc//api", "\"svc//api\": the namespace is empty"),
        ("svc/Shop/api", "\"svc/Shop/api\": the namespace \"Shop\" is not a valid name (lower-case letters, digits and '-', starting and ending with a letter or digit)"),
        ("svc/api-", "\"svc/api-\": the Service name \"api-\" is not a valid name (lower-case letters, digits and '-', starting and ending with a letter or digit)"),
    ])
    func malformed(_ text: String, _ message: String) {
        #expect(ServiceReference.parse(text) == .failure(ServiceReferenceError(message)))
    }
}
