// Package stream carries opaque payloads (nexo JSON messages) over a byte
// stream: a UART, USB-ACM, Bluetooth SPP or, in tests, a pty or a pipe. It
// reads an io.Reader and writes an io.Writer and knows nothing of nexo.
//
// # Frame
//
// Every frame, data or control, has the same layout; integers are
// big-endian:
//
//	offset  size  field
//	0       1     STX 0x02
//	1       1     kind: 'D' data, 'A' ACK, 'N' NAK
//	2       4     seq: the sender's sequence number of the data frame
//	              (ACK/NAK: the seq they answer)
//	6       4     id: request ID pairing a response with its request
//	              (0: none; always 0 in ACK/NAK)
//	10      4     n: payload length in bytes, 0..MaxPayload (ACK/NAK: 0)
//	14      4     header check: CRC-32C of bytes 1..13
//	18      n     payload
//	18+n    4     payload check: CRC-32C of the payload
//	22+n    1     ETX 0x03
//
// CRC-32C is the Castagnoli CRC (polynomial 0x1EDC6F41, reflected
// 0x82F63B78, initial and final XOR 0xFFFFFFFF; check value of "123456789"
// is 0xE3069283), as in RFC 3720 §12.1 (iSCSI) and RFC 9260 (SCTP). Its own
// check on the header means a corrupted length is caught before the
// receiver waits for a payload that will never come; the payload length is
// also bounded by MaxPayload (256 KiB).
//
// # Delivery
//
// Stop-and-wait ARQ: Send writes one data frame and waits for the ACK of
// its seq. The receiver ACKs a good data frame, NAKs one whose header is
// good but whose payload check, ETX or length is bad, and ignores frames
// whose header check fails. The sender retransmits at once on a NAK and
// after Options.AckTimeout without an answer, up to Options.MaxTries
// writes, then fails with ErrNoAck. A data frame whose seq was delivered
// recently (the last 16) is ACKed again but not delivered twice. Each Conn
// starts its seq at a random value so that a restarted peer is not taken
// for a repeat.
//
// # Resynchronisation
//
// The receiver scans for STX, checks the 18-byte header, and on any failure
// skips one byte and scans again, so noise, a cut frame or a dropped byte
// costs at most that frame. A partial frame older than
// Options.InterByteTimeout when the next bytes arrive is discarded, so a
// frame cut short never swallows the next one.
//
// # Requests and responses
//
// Serve (terminal) and Client (POS) pair requests and responses by the
// frame's id field: the Client gives each request a fresh non-zero id and
// Serve sends each response with the id of its request. Serve handles
// requests concurrently, so an Abort can be answered while a Payment is
// still with the customer; responses therefore go out in any order, and
// the id, not the order, says which request they answer. The nexo
// MessageHeader's ServiceID pairs the same messages one layer up; the frame
// id lets the Client pair them without parsing JSON.
package stream
