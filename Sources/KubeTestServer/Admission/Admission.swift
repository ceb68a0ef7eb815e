import Foundation

/// Everything the server does to an object between decoding and storing it: server-set metadata,
/// per-kind defaults, the status/spec split, and validation. Failures are `APIError`s (422 Invalid,
/// or 400 for what the real server rejects while decoding).
public enum Admission {
    public static func prepareForCreate(_ object: inout JSONValue, type: ResourceType, context: AdmissionContext) throws(APIError) {
        try checkShape(object, type: type)
        ObjectMetaRules.prepareForCreate(&object, type: type, now: context.now)
        try TimeFields.normalize(&object, type: type)
        var errors: [FieldError] = []
        switch type {
        case .services:
            errors = ObjectMetaRules.validate(object, type: type, old: nil)
            if errors.isEmpty {
                try ServiceAdmission.prepareForCreate(&object, context: context)
                return
            }
        case .namespaces:
            NamespaceRules.prepare(&object, old: nil, subresource: nil)
        case .secrets:
            try ConfigDataRules.prepareSecret(&object)
        default:
            break
        }
        errors = ObjectMetaRules.validate(object, type: type, old: nil) + kindErrors(object, type: type, old: nil)
        try throwIfInvalid(errors, object, type: type)
    }

    public static func prepareForUpdate(_ object: inout JSONValue, old: JSONValue, type: ResourceType, subresource: String?,
                                        context: AdmissionContext) throws(APIError) {
        try checkShape(object, type: type)
        ObjectMetaRules.prepareForUpdate(&object, old: old, type: type)
        try TimeFields.normalize(&object, type: type)
        if type.hasStatus {
            if subresource == "status" { object["spec"] = old["spec"] } else { object["status"] = old["status"] }
        }
        switch type {
        case .services:
            let errors = ObjectMetaRules.validate(object, type: type, old: old)
            try throwIfInvalid(errors, object, type: type)
            if subresource == "status" {
                try ServiceAdmission.prepareForStatusUpdate(&object, old: old)
            } else {
                try ServiceAdmission.prepareForUpdate(&object, old: old, context: context)
            }
            return
        case .namespaces:
            NamespaceRules.prepare(&object, old: old, subresource: subresource)
        case .secrets:
            try ConfigDataRules.prepareSecret(&object)
        default:
            break
        }
        let errors = ObjectMetaRules.validate(object, type: type, old: old) + kindErrors(object, type: type, old: old)
        try throwIfInvalid(errors, object, type: type)
    }

    static func kindErrors(_ object: JSONValue, type: ResourceType, old: JSONValue?) -> [FieldError] {
        switch type {
        case .configMaps: return ConfigDataRules.validateConfigMap(object, old: old)
        case .secrets: return ConfigDataRules.validateSecret(object, old: old)
        case .leases: return LeaseRules.validate(object)
        case .events: return EventRules.validate(object)
        case .endpointSlices: return EndpointSliceRules.validate(object, old: old)
        case .nodes: return NodeRules.validate(object)
        default: return []
        }
    }

    static func throwIfInvalid(_ errors: [FieldError], _ object: JSONValue, type: ResourceType) throws(APIError) {
        guard !errors.isEmpty else { return }
        throw APIError.invalid(kind: type.kind, group: type.group,
                               name: object[path: ["metadata", "name"]]?.stringValue ?? "", errors: errors)
    }

    /// The structural checks Go's JSON decoding would fail on for the fields we look at.
    static func checkShape(_ object: JSONValue, type: ResourceType) throws(APIError) {
        try ObjectShape.check(object, type: type)
    }
}
