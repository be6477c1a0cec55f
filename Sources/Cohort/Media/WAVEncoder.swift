/// Encodes samples as a 16-bit PCM WAV file (RIFF, `fmt ` and `data` chunks), as `soundfile.write`
/// does for float data by default.
enum WAVEncoder {
    /// Interleaved samples in -1…1 (clipped), `channels` per frame.
    static func encode(_ samples: [Float], sampleRate: Int, channels: Int) -> [UInt8] {
        let dataSize = samples.count * 2
        var bytes: [UInt8] = []
        bytes.reserveCapacity(44 + dataSize)
        bytes += Array("RIFF".utf8)
        append(UInt32(36 + dataSize), 4, to: &bytes)
        bytes += Array("WAVEfmt ".utf8)
        append(16, 4, to: &bytes)  // fmt chunk size
        append(1, 2, to: &bytes)  // PCM
        append(UInt32(channels), 2, to: &bytes)
        append(UInt32(sampleRate), 4, to: &bytes)
        append(UInt32(sampleRate * channels * 2), 4, to: &bytes)  // byte rate
        append(UInt32(channels * 2), 2, to: &bytes)  // block align
        append(16, 2, to: &bytes)  // bits per sample
        bytes += Array("data".utf8)
        append(UInt32(dataSize), 4, to: &bytes)
        for sample in samples {
            let value = Int16(sample16(sample))
            let bits = UInt16(bitPattern: value)
            bytes.append(UInt8(bits & 0xff))
            bytes.append(UInt8(bits >> 8))
        }
        return bytes
    }

    /// A sample in -1…1 as a 16-bit integer: scaled by 32767 and rounded, clipped.
    static func sample16(_ sample: Float) -> Int {
        Int((min(max(sample, -1), 1) * 32767).rounded())
    }

    private static func append(_ value: UInt32, _ count: Int, to bytes: inout [UInt8]) {
        for index in 0..<count { bytes.append(UInt8((value >> (8 * UInt32(index))) & 0xff)) }
    }
}
