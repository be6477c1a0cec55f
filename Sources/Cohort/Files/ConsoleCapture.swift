import CohortModel
import Foundation
import Glibc
import Synchronization

/// Copies everything the process writes to stdout and stderr into the run's `output.log` (and the
/// journal), while still passing it through to the original destinations.
///
/// Each stream is replaced by a pipe; a reader thread forwards the bytes to the saved original file
/// descriptor, appends them to `output.log` and journals them. `stop()` restores the originals and
/// drains what is left. Only one capture can be active in a process; a second run in the same
/// process logs without one.
final class ConsoleCapture: Sendable {
    private struct Stream: Sendable {
        let name: String
        let target: Int32  // 1 or 2
        let original: Int32  // dup of the original descriptor
        let readEnd: Int32
    }

    private static let active = Mutex(false)
    private let streams: [Stream]
    private let output: Int32
    private let writer: JournalWriter
    private let stopPipe: (read: Int32, write: Int32)
    private let exited = DispatchSemaphore(value: 0)

    init(outputPath: String, writer: JournalWriter) throws(CohortError) {
        let claimed = Self.active.withLock { active in
            defer { active = true }
            return !active
        }
        guard claimed else { throw .invalid("another run in this process already captures the console") }
        let output = open(outputPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard output >= 0 else {
            Self.active.withLock { $0 = false }
            throw .storage("cannot open \(outputPath): \(String(cString: strerror(errno)))")
        }
        var control: [Int32] = [0, 0]
        guard pipe(&control) == 0 else {
            close(output)
            Self.active.withLock { $0 = false }
            throw .storage("cannot create a pipe for console capture: \(String(cString: strerror(errno)))")
        }
        fflush(nil)
        
        var streams: [Stream] = []
        for (name, target) in [("stdout", Int32(1)), ("stderr", Int32(2))] {
            var ends: [Int32] = [0, 0]
            let original = dup(target)
            guard original >= 0, pipe(&ends) == 0 else { continue }
            _ = fcntl(original, F_SETFD, FD_CLOEXEC)
            _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
            dup2(ends[1], target)
            close(ends[1])
            streams.append(Stream(name: name, target: target, original: original, readEnd: ends[0]))
        }
        self.streams = streams
        self.output = output
        self.writer = writer
        self.stopPipe = (control[0], control[1])
        let thread = Thread { [self] in
            self.pump()
            self.exited.signal()
        }
        thread.name = "cohort-console"
        thread.start()
    }

    /// Restores stdout and stderr and writes out what is still in the pipes.
    func stop() {
        fflush(nil)
        
        for stream in streams { dup2(stream.original, stream.target) }
        // Our copies of the write ends are gone now; children may still hold theirs, so tell the
        // reader to drain what is there and stop rather than wait for end-of-file.
        var byte: UInt8 = 1
        _ = write(stopPipe.write, &byte, 1)
        exited.wait()
        for stream in streams {
            close(stream.readEnd)
            close(stream.original)
        }
        close(stopPipe.read)
        close(stopPipe.write)
        close(output)
        Self.active.withLock { $0 = false }
    }

    private func pump() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var open = Set(streams.indices)
        var stopping = false
        while !open.isEmpty {
            var descriptors = open.sorted().map { pollfd(fd: streams[$0].readEnd, events: Int16(POLLIN), revents: 0) }
            if !stopping { descriptors.append(pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), stopping ? 0 : -1)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { return }  // stopping and nothing left to read
            if !stopping, let last = descriptors.last, last.revents != 0 { stopping = true }
            for (position, index) in open.sorted().enumerated() where descriptors[position].revents != 0 {
                let count = read(streams[index].readEnd, &buffer, buffer.count)
                if count <= 0 {
                    if count < 0 && errno == EINTR { continue }
                    open.remove(index)
                    continue
                }
                forward(Array(buffer[0..<count]), from: streams[index])
            }
        }
    }

    private func forward(_ bytes: [UInt8], from stream: Stream) {
        Self.writeAll(bytes, to: stream.original)
        Self.writeAll(bytes, to: output)
        writer.enqueue(.record(.output, [
            "stream": .string(stream.name), "text": .string(String(decoding: bytes, as: UTF8.self)),
            "time": .double(RunClock.timestamp()),
        ]))
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }  // the destination is gone; the journal still has the text
            offset += written
        }
    }
}
