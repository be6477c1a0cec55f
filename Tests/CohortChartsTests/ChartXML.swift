import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Chart markup parsed as XML, the strictest reading a browser could make of it.
struct ChartXML {
    var name: String
    var attributes: [String: String]
    /// The text of the element and everything under it.
    var text: String
    var children: [ChartXML]

    /// The root element of `markup`; throws when `markup` is not well-formed.
    static func parse(_ markup: String) throws -> ChartXML? {
        let document = try XMLDocument(xmlString: markup, options: [])
        return document.rootElement().map(ChartXML.init)
    }

    init(_ element: XMLElement) {
        name = element.name ?? ""
        var attributes: [String: String] = [:]
        for attribute in element.attributes ?? [] {
            attributes[attribute.name ?? ""] = attribute.stringValue ?? ""
        }
        self.attributes = attributes
        text = element.stringValue ?? ""
        children = (element.children ?? []).compactMap { $0 as? XMLElement }.map(ChartXML.init)
    }

    func attribute(_ name: String) -> String? {
        attributes[name]
    }

    /// Every element under `element` (itself included) named `name`, in document order.
    static func elements(named name: String, in element: ChartXML) -> [ChartXML] {
        (element.name == name ? [element] : []) + element.children.flatMap { elements(named: name, in: $0) }
    }
}
