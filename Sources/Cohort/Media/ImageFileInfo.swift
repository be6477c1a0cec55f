/// The format and size of a PNG or JPEG file, read from its header.
struct ImageFileInfo: Sendable, Equatable {
    /// `png` or `jpeg`.
    var format: String
    var width: Int
    var height: Int

    /// Reads the header of `bytes`; `nil` when they are neither PNG nor a JPEG with a frame header.
    init?(_ bytes: [UInt8]) {
        if bytes.count >= 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
           bytes[12..<16].elementsEqual(Array("IHDR".utf8)) {
            format = "png"
            width = Self.bigEndian(bytes, 16, 4)
            height = Self.bigEndian(bytes, 20, 4)
        } else if let size = Self.jpegSize(bytes) {
            format = "jpeg"
            (width, height) = size
        } else {
            return nil
        }
        guard width > 0, height > 0 else { return nil }
    }

    /// Walks the JPEG markers to the first start-of-frame (SOF0–SOF15 except DHT, JPG and DAC).
    private static func jpegSize(_ bytes: [UInt8]) -> (Int, Int)? {
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            if marker == 0xFF { index += 1; continue }  // fill byte
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { index += 2; continue }
            let length = bigEndian(bytes, index + 2, 2)
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                return (bigEndian(bytes, index + 7, 2), bigEndian(bytes, index + 5, 2))
            }
            guard length >= 2 else { return nil }
            index += 2 + length
        }
        return nil
    }

    private static func bigEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int {
        var value = 0
        for index in offset..<(offset + count) { value = value << 8 | Int(bytes[index]) }
        return value
    }
}
