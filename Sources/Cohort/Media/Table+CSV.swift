extension Table {
    /// A table from CSV text (RFC 4180: commas, double-quoted fields with `""` for a quote, CRLF or
    /// LF line ends). The first line names the columns. Each cell becomes an integer, a number,
    /// `true`/`false`, null (an empty unquoted field) or a string; a column whose fields would mix
    /// those kinds (W&B refuses such a column) keeps its fields as strings.
    ///
    /// ```swift
    /// let table = try Table(csv: "epoch,loss\n1,0.5\n2,0.25\n")
    /// ```
    /// - Throws: `CohortError` `.invalidArgument` for text without a header, an unterminated quote, a
    ///   row whose field count differs from the header's, or duplicate column names.
    public init(csv: String) throws(CohortError) {
        let records = try Self.parseCSV(csv)
        guard let header = records.first else { throw .invalid("Table(csv:): the text is empty; the first line must name the columns") }
        try self.init(columns: header.map(\.text))
        let rows = Array(records.dropFirst())
        for (index, record) in rows.enumerated() where record.count != columns.count {
            throw .invalid("Table(csv:): line \(index + 2) has \(record.count) fields but the header has \(columns.count)")
        }
        var typed = rows.map { $0.map(Self.typedCell) }
        for column in columns.indices {
            var type = TableColumnType.column
            for row in typed {
                guard let next = type.assigning(Cell(row[column])) else {
                    for index in typed.indices where !(typed[index][column] is JSONValue) { typed[index][column] = rows[index][column].text }
                    break
                }
                type = next
            }
        }
        for row in typed { try addData(row) }
    }

    private struct Field {
        var text = ""
        var quoted = false
    }

    private static func typedCell(_ field: Field) -> any Loggable {
        if field.quoted { return field.text }
        if field.text.isEmpty { return JSONValue.null }
        if let number = Int64(field.text) { return number }
        if let number = Double(field.text), field.text.first.map({ $0.isNumber || $0 == "-" || $0 == "." || $0 == "+" }) ?? false {
            return number
        }
        switch field.text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return field.text
        }
    }

    private static func parseCSV(_ text: String) throws(CohortError) -> [[Field]] {
        var records: [[Field]] = []
        var record: [Field] = []
        var field = Field()
        var inQuotes = false
        var fieldStarted = false
        var characters = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let character = pending { pending = nil; return character }
            return characters.next()
        }
        while let character = next() {
            if inQuotes {
                if character == "\"" {
                    let following = next()
                    if following == "\"" { field.text.append("\"") } else { inQuotes = false; pending = following }
                } else {
                    field.text.append(character)
                }
                continue
            }
            switch character {
            case "\"" where !fieldStarted:
                inQuotes = true
                field.quoted = true
                fieldStarted = true
            case ",":
                record.append(field)
                field = Field()
                fieldStarted = false
            case "\n", "\r\n", "\r":
                record.append(field)
                records.append(record)
                record = []
                field = Field()
                fieldStarted = false
            default:
                field.text.append(character)
                fieldStarted = true
            }
        }
        guard !inQuotes else { throw .invalid("Table(csv:): a quoted field is not closed") }
        if fieldStarted || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }
}
