/// Encodes 8-bit frames as a looping animated GIF (GIF89a, one global palette, LZW in Swift).
///
/// Frames with at most 256 distinct colours keep them exactly; otherwise each pixel maps to a
/// 3-3-2 bit RGB palette (8 reds, 8 greens, 4 blues).
enum GIFEncoder {
    /// `pixels` holds `frameCount` frames of `height * width * channels` bytes (1 gray, 3 RGB, 4
    /// RGBA with the alpha ignored); `delay` is each frame's time in hundredths of a second.
    static func encode(_ pixels: [UInt8], frameCount: Int, width: Int, height: Int, channels: Int, delay: Int) -> [UInt8] {
        let pixelCount = frameCount * width * height
        let (palette, indices) = paletteAndIndices(pixels, pixelCount: pixelCount, channels: channels)
        var bytes: [UInt8] = Array("GIF89a".utf8)
        appendLittleEndian(width, to: &bytes)
        appendLittleEndian(height, to: &bytes)
        bytes += [0xF7, 0, 0]  // global table of 256 colours, background 0, square pixels
        bytes += palette
        bytes += [0x21, 0xFF, 0x0B] + Array("NETSCAPE2.0".utf8) + [0x03, 0x01, 0x00, 0x00, 0x00]  // loop forever
        let frameSize = width * height
        for frame in 0..<frameCount {
            bytes += [0x21, 0xF9, 0x04, 0x04]  // graphic control: keep the frame, no transparency
            appendLittleEndian(delay, to: &bytes)
            bytes += [0x00, 0x00]
            bytes.append(0x2C)
            bytes += [0, 0, 0, 0]
            appendLittleEndian(width, to: &bytes)
            appendLittleEndian(height, to: &bytes)
            bytes.append(0x00)  // no local palette, not interlaced
            bytes.append(8)  // LZW minimum code size
            let compressed = lzw(indices[(frame * frameSize)..<((frame + 1) * frameSize)])
            var offset = 0
            while offset < compressed.count {
                let length = min(255, compressed.count - offset)
                bytes.append(UInt8(length))
                bytes += compressed[offset..<(offset + length)]
                offset += length
            }
            bytes.append(0x00)
        }
        bytes.append(0x3B)
        return bytes
    }

    /// A 768-byte palette and one palette index per pixel.
    static func paletteAndIndices(_ pixels: [UInt8], pixelCount: Int, channels: Int) -> (palette: [UInt8], indices: [UInt8]) {
        func color(_ pixel: Int) -> UInt32 {
            let base = pixel * channels
            if channels == 1 { let v = UInt32(pixels[base]); return v << 16 | v << 8 | v }
            return UInt32(pixels[base]) << 16 | UInt32(pixels[base + 1]) << 8 | UInt32(pixels[base + 2])
        }
        var exact: [UInt32: UInt8] = [:]
        var palette = [UInt8](repeating: 0, count: 768)
        var indices = [UInt8](repeating: 0, count: pixelCount)
        var fits = true
        for pixel in 0..<pixelCount {
            let rgb = color(pixel)
            if let index = exact[rgb] {
                indices[pixel] = index
                continue
            }
            guard exact.count < 256 else { fits = false; break }
            let index = UInt8(exact.count)
            exact[rgb] = index
            palette[Int(index) * 3] = UInt8(rgb >> 16)
            palette[Int(index) * 3 + 1] = UInt8((rgb >> 8) & 0xff)
            palette[Int(index) * 3 + 2] = UInt8(rgb & 0xff)
            indices[pixel] = index
        }
        if fits { return (palette, indices) }
        for index in 0..<256 {
            palette[index * 3] = UInt8(((index >> 5) & 7) * 255 / 7)
            palette[index * 3 + 1] = UInt8(((index >> 2) & 7) * 255 / 7)
            palette[index * 3 + 2] = UInt8((index & 3) * 255 / 3)
        }
        for pixel in 0..<pixelCount {
            let rgb = color(pixel)
            let red = (Int(rgb >> 16) * 7 + 127) / 255, green = (Int((rgb >> 8) & 0xff) * 7 + 127) / 255
            let blue = (Int(rgb & 0xff) * 3 + 127) / 255
            indices[pixel] = UInt8(red << 5 | green << 2 | blue)
        }
        return (palette, indices)
    }

    /// GIF's variable-width LZW (minimum code size 8), codes packed least significant bit first.
    static func lzw(_ indices: ArraySlice<UInt8>) -> [UInt8] {
        let clearCode = 256
        var writer = BitWriter()
        var codeSize = 9
        var maxCode = clearCode + 1
        var table = [UInt16](repeating: 0, count: 4096 * 256)  // (prefix code, byte) → code, 0 = none
        writer.write(clearCode, bits: codeSize)
        var current = -1
        for value in indices {
            let next = Int(value)
            if current < 0 { current = next; continue }
            let entry = table[current << 8 | next]
            if entry != 0 { current = Int(entry); continue }
            writer.write(current, bits: codeSize)
            maxCode += 1
            table[current << 8 | next] = UInt16(maxCode)
            if maxCode >= 1 << codeSize { codeSize += 1 }
            if maxCode == 4095 {
                writer.write(clearCode, bits: codeSize)
                for index in table.indices { table[index] = 0 }
                codeSize = 9
                maxCode = clearCode + 1
            }
            current = next
        }
        if current >= 0 {
            writer.write(current, bits: codeSize)
            // The decoder adds one more entry on reading that code and may widen its codes first.
            if maxCode + 1 >= 1 << codeSize && codeSize < 12 { codeSize += 1 }
        }
        writer.write(clearCode + 1, bits: codeSize)
        return writer.finish()
    }

    private static func appendLittleEndian(_ value: Int, to bytes: inout [UInt8]) {
        bytes += [UInt8(value & 0xff), UInt8((value >> 8) & 0xff)]
    }
}

/// Packs codes into bytes, least significant bit first.
private struct BitWriter {
    private var bytes: [UInt8] = []
    private var buffer: UInt32 = 0
    private var count = 0

    mutating func write(_ code: Int, bits: Int) {
        buffer |= UInt32(code) << UInt32(count)
        count += bits
        while count >= 8 {
            bytes.append(UInt8(buffer & 0xff))
            buffer >>= 8
            count -= 8
        }
    }

    mutating func finish() -> [UInt8] {
        if count > 0 { bytes.append(UInt8(buffer & 0xff)) }
        return bytes
    }
}
