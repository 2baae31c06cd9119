import Foundation
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Reads golden and results files within the limits of `Golden/FORMAT.md` ("Reading limits"):
/// regular files only (a FIFO or device is refused before a byte is read, so a reader never
/// blocks or runs out of memory), and at most `limit` bytes.
public enum BoundedFile {
    public static let resultsLimit = 256 << 20
    public static let caseLimit = 64 << 20
    public static let manifestLimit = 16 << 20

    /// The bytes of the regular file at `path`; a ``GoldenError`` naming `label` (default: the
    /// path) and the reason otherwise.
    public static func read(_ path: String, limit: Int, label: String? = nil) throws -> [UInt8] {
        let name = label ?? path
        func fail(_ message: String) -> GoldenError { GoldenError(file: name, message) }
        func reason() -> String { String(cString: strerror(errno)) }

        // O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw fail("cannot read the file: \(reason())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fail("cannot read the file: \(reason())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            let kind: String
            switch info.st_mode & S_IFMT {
            case S_IFDIR: kind = "a directory"
            case S_IFIFO: kind = "a FIFO"
            case S_IFCHR, S_IFBLK: kind = "a device"
            default: kind = "not a regular file"
            }
            throw fail("is \(kind), not a regular file")
        }
        guard Int(info.st_size) <= limit else { throw fail("the file has \(info.st_size) bytes, over the limit of \(limit)") }

        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                guard count <= limit else { throw fail("the file grew past the limit of \(limit) bytes while being read") }
                bytes.append(contentsOf: repeatElement(0, count: min(limit + 1 - count, max(4096, count))))
            }
            let n = bytes.withUnsafeMutableBytes { buffer in
                systemRead(fd, buffer.baseAddress! + count, buffer.count - count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("cannot read the file: \(reason())")
            }
            if n == 0 { break }
            count += n
        }
        guard count <= limit else { throw fail("the file has more than \(limit) bytes") }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Parses the regular file at `path` as strict JSON; syntax errors give their line and column.
    public static func json(_ path: String, limit: Int, label: String? = nil) throws -> JSONValue {
        let bytes = try read(path, limit: limit, label: label)
        return try parse(bytes, file: label ?? path)
    }

    /// Parses bytes as strict JSON, a syntax error becoming a ``GoldenError`` for `file`.
    public static func parse(_ bytes: [UInt8], file: String) throws -> JSONValue {
        do { return try StrictJSON.parse(bytes) } catch { throw GoldenError(file: file, error.description) }
    }
}
