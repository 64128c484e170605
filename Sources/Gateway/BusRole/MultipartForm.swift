import Foundation

/// The parts of `sendEdoc`'s `multipart/form-data` body, read by the unit API's reader
/// (`MultipartFormData`: the same grammar and bounds) and refused, when malformed, the way the
/// bus API answers (`bus.body_invalid`).
struct MultipartForm {
    let parts: [MultipartPart]

    init(body: [UInt8], contentType: String) throws(BusRefusal) {
        guard let boundary = MultipartFormData.boundary(in: contentType) else {
            throw BusRefusal("bus.body_invalid", "the body must be multipart/form-data with a boundary")
        }
        do {
            parts = try MultipartFormData.parse(body, boundary: boundary)
        } catch {
            throw BusRefusal("bus.body_invalid", error.detail)
        }
    }

    func part(named name: String) -> MultipartPart? { parts.first { $0.name == name } }
}
