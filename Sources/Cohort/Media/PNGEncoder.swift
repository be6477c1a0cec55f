import CZlib

/// Encodes 8-bit grayscale, RGB and RGBA pixels as PNG, deflating through zlib.
///
/// Every scanline uses the `Sub` filter (each byte minus the byte one pixel to its left), which
/// costs one subtraction per byte and compresses gradients and photographs well.
enum PNGEncoder {
    /// The zlib level; 6 is zlib's and Pillow's default.
    static let compressionLevel: Int32 = 6

    /// Encodes `pixels` (row-major, `channels` bytes per pixel: 1 gray, 3 RGB, 4 RGBA).
    /// - Precondition: `pixels.count == width * height * channels`, channels 1, 3 or 4.
    static func encode(_ pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, channels: Int) -> [UInt8]? {
        let colorType: UInt8
        switch channels {
        case 1: colorType = 0
        case 3: colorType = 2
        case 4: colorType = 6
        default: return nil
        }
        let stride = width * channels
        var filtered = [UInt8](repeating: 0, count: height * (stride + 1))
        filtered.withUnsafeMutableBufferPointer { out in
            for row in 0..<height {
                let source = row * stride
                let target = row * (stride + 1)
                out[target] = 1  // Sub
                for index in 0..<min(channels, stride) { out[target + 1 + index] = pixels[source + index] }
                var index = channels
                while index < stride {
                    out[target + 1 + index] = pixels[source + index] &- pixels[source + index - channels]
                    index += 1
                }
            }
        }
        guard let compressed = deflate(filtered) else { return nil }

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png.reserveCapacity(compressed.count + 64)
        var header: [UInt8] = []
        appendBigEndian(UInt32(width), to: &header)
        appendBigEndian(UInt32(height), to: &header)
        header += [8, colorType, 0, 0, 0]  // depth 8, deflate, adaptive filtering, no interlace
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", compressed, to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    private static func deflate(_ input: [UInt8]) -> [UInt8]? {
        var capacity = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { source in
                compress2(out.baseAddress, &capacity, source.baseAddress, uLong(source.count), compressionLevel)
            }
        }
        guard status == Z_OK else { return nil }
        output.removeSubrange(Int(capacity)...)
        return output
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        appendBigEndian(UInt32(data.count), to: &png)
        let start = png.count
        png += Array(type.utf8)
        png += data
        let crc = png[start...].withUnsafeBufferPointer { chunk in
            crc32(0, chunk.baseAddress, uInt(chunk.count))
        }
        appendBigEndian(UInt32(truncatingIfNeeded: crc), to: &png)
    }

    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }
}
