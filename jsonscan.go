package halopsa

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// This file is the low-level JSON reader behind the codec: a scanner over a
// byte slice that the generated decoders drive field by field. It is strict
// about JSON syntax (a truncated or corrupt body is an error, never a
// half-filled record) and lenient about value types (see codec.go).

const maxDepth = 1000

// decoder reads one JSON document. The table loop (decoder.object) calls
// field() in a loop and looks the key up; typed readers consume one value
// each.
type decoder struct {
	data []byte
	pos  int
	err  *syntaxError

	key      []byte // current field name, unescaped
	keyStart int    // offset of the current field name's opening quote
	valStart int    // offset of the current field's value
	sep      bool   // a value was just completed: ',' or a closing bracket must follow
	depth    int

	scratch []byte // unescaped strings that had escapes
	keyBuf  []byte // unescaped field names that had escapes

	issues []DecodeIssue

	// Slabs and an arena for what decoded records point to: one allocation
	// per slabSize values (or arenaSize bytes of text) instead of one per
	// field. Slots handed out are never reused, so they survive the
	// decoder's return to its pool; only spare capacity carries over.
	slabStrs  []string
	slabInts  []int
	slabBools []bool
	slabF64s  []float64
	slabTimes []Time
	arena     []byte
}

type syntaxError struct {
	msg    string
	offset int
}

func (e *syntaxError) Error() string {
	return e.msg + " at offset " + strconv.Itoa(e.offset)
}

func (d *decoder) reset(data []byte) {
	*d = decoder{data: data, scratch: d.scratch[:0], keyBuf: d.keyBuf[:0],
		slabStrs: d.slabStrs, slabInts: d.slabInts, slabBools: d.slabBools, slabF64s: d.slabF64s, slabTimes: d.slabTimes, arena: d.arena}
}

const (
	slabSize     = 64
	arenaSize    = 4096
	maxArenaText = 512 // longer strings get their own allocation
)

// slot returns a pointer to v stored in the slab *s, starting a new slab
// when the current one is full.
func slot[T any](s *[]T, v T) *T {
	if len(*s) == cap(*s) {
		*s = make([]T, 0, slabSize)
	}
	*s = append(*s, v)
	return &(*s)[len(*s)-1]
}

func (d *decoder) newInt(v int) *int             { return slot(&d.slabInts, v) }
func (d *decoder) newBool(v bool) *bool          { return slot(&d.slabBools, v) }
func (d *decoder) newFloat64(v float64) *float64 { return slot(&d.slabF64s, v) }
func (d *decoder) newTime(v Time) *Time          { return slot(&d.slabTimes, v) }

// newString copies b into the arena and returns a pointer to a string
// over the copy. Arena bytes are written once, before the string is made,
// and never again (appends only go past them), which is what makes the
// unsafe.String sound.
func (d *decoder) newString(b []byte) *string {
	return slot(&d.slabStrs, d.text(b))
}

// text copies b into the arena (or its own allocation, when long).
func (d *decoder) text(b []byte) string {
	switch {
	case len(b) == 0:
		return ""
	case len(b) > maxArenaText:
		return string(b)
	}
	if cap(d.arena)-len(d.arena) < len(b) {
		d.arena = make([]byte, 0, arenaSize)
	}
	off := len(d.arena)
	d.arena = append(d.arena, b...)
	return unsafe.String(&d.arena[off], len(b))
}

// rawText copies the JSON value v into the arena as appendRaw does (or
// into its own allocation, when long). The result's capacity ends with it,
// so that appending to it, as a caller may to a json.RawMessage, copies it
// rather than overwrite the next value, and writing into it changes no
// other value: the arena's strings never share its bytes.
func (d *decoder) rawText(v []byte) []byte {
	if len(v) > maxArenaText {
		return appendRaw(nil, v)
	}
	if cap(d.arena)-len(d.arena) < len(v) {
		d.arena = make([]byte, 0, arenaSize)
	}
	off := len(d.arena)
	// appendRaw can write more than len(v) (escaping a control character),
	// and then reallocates the arena: the strings made from the old one
	// keep it, and nothing writes to it again.
	d.arena = appendRaw(d.arena, v)
	return d.arena[off:len(d.arena):len(d.arena)]
}

// view shows b as a string for a call that does not keep it (number
// parsing), without copying.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// fail records the first syntax error and moves to the end of input, so
// that every reader stops.
func (d *decoder) fail(msg string) {
	if d.err == nil {
		d.err = &syntaxError{msg: msg, offset: d.pos}
	}
	d.pos = len(d.data)
}

// peek skips whitespace and returns the next byte, or 0 at the end.
func (d *decoder) peek() byte {
	// Halo's JSON is compact: the next byte is nearly always the one
	// wanted, and one comparison tells it from whitespace. This keeps peek
	// small enough to inline everywhere (it was an eighth of the
	// instructions of a page decode).
	if d.pos < len(d.data) {
		if c := d.data[d.pos]; c > ' ' {
			return c
		}
	}
	return d.skipSpace()
}

// skipSpace is peek's loop.
func (d *decoder) skipSpace() byte {
	for d.pos < len(d.data) {
		switch c := d.data[d.pos]; c {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return c
		}
	}
	return 0
}

// atEnd skips whitespace and reports whether the input is used up. Use it,
// not peek() == 0, to test for the end: peek also returns 0 for a NUL byte.
func (d *decoder) atEnd() bool {
	d.peek()
	return d.pos >= len(d.data)
}

// field advances to the next field of the current object, setting key and
// valStart. It returns false at the closing brace or on error.
func (d *decoder) field() bool {
	c := d.peek()
	if d.sep {
		switch c {
		case ',':
			d.pos++
			if c = d.peek(); c != '"' {
				d.fail("expected field name after ','")
				return false
			}
		case '}':
			d.pos++
			d.depth--
			return false
		default:
			d.fail("expected ',' or '}'")
			return false
		}
	} else if c == '}' {
		d.pos++
		d.sep = true
		d.depth--
		return false
	}
	if c != '"' {
		d.fail("expected field name")
		return false
	}
	d.keyStart = d.pos
	k, ok := d.readString(&d.keyBuf)
	if !ok {
		return false
	}
	d.key = k
	if d.peek() != ':' {
		d.fail("expected ':'")
		return false
	}
	d.pos++
	d.peek()
	d.valStart = d.pos
	// Whatever reads the value, a separator is due after it.
	d.sep = true
	return true
}

// elem advances to the next element of the current array.
func (d *decoder) elem() bool {
	c := d.peek()
	if d.sep {
		switch c {
		case ',':
			d.pos++
			d.peek()
			return true
		case ']':
			d.pos++
			d.depth--
			return false
		}
		d.fail("expected ',' or ']'")
		return false
	}
	if c == ']' {
		d.pos++
		d.sep = true
		d.depth--
		return false
	}
	d.sep = true
	return true
}

// enter consumes an opening bracket.
func (d *decoder) enter() bool {
	d.pos++
	d.sep = false
	d.depth++
	if d.depth > maxDepth {
		d.fail("nesting too deep")
		return false
	}
	return true
}

// plain marks the bytes a string scan can pass without a look: not the
// closing quote, not a backslash, not the start of a multi-byte sequence
// (which is checked for valid UTF-8).
var plain = func() (t [256]byte) {
	for c := range 256 {
		if c != '"' && c != '\\' && c < utf8.RuneSelf {
			t[c] = 1
		}
	}
	return t
}()

// readString reads a string at pos (which must be '"') and returns its
// unescaped content: a sub-slice of data when it has no escapes, else a
// slice of *buf. The result is only valid until the next read. Invalid
// UTF-8 becomes U+FFFD, as in encoding/json.
func (d *decoder) readString(buf *[]byte) ([]byte, bool) {
	start := d.pos + 1
	i := start
	data := d.data
	for i < len(data) {
		// Eight bytes at a time: a word has a byte to look at when one of
		// its bytes is '"', '\\' or non-ASCII (the classic has-zero-byte
		// test on x^'"' and x^'\\'; the lowest flag is the first such byte).
		for i+8 <= len(data) {
			x := binary.LittleEndian.Uint64(data[i:])
			q, b := x^0x2222222222222222, x^0x5c5c5c5c5c5c5c5c
			m := ((q-0x0101010101010101)&^q | (b-0x0101010101010101)&^b | x) & 0x8080808080808080
			if m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
		}
		for i < len(data) && plain[data[i]] == 1 {
			i++
		}
		if i >= len(data) {
			break
		}
		c := data[i]
		if c == '"' {
			d.pos = i + 1
			return data[start:i], true
		}
		if c == '\\' {
			return d.readEscaped(buf, start, i)
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRune(d.data[i:])
			if r == utf8.RuneError && n == 1 {
				return d.readEscaped(buf, start, i)
			}
			i += n
			continue
		}
		i++
	}
	d.pos = i
	d.fail("unterminated string")
	return nil, false
}

// plainRun returns the offset of the first byte from i on that a string
// scan must look at ('"', '\\' or non-ASCII), or len(data); as in
// readString, eight bytes at a time.
func plainRun(data []byte, i int) int {
	for i+8 <= len(data) {
		x := binary.LittleEndian.Uint64(data[i:])
		q, b := x^0x2222222222222222, x^0x5c5c5c5c5c5c5c5c
		if m := ((q-0x0101010101010101)&^q | (b-0x0101010101010101)&^b | x) & 0x8080808080808080; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(data) && plain[data[i]] == 1 {
		i++
	}
	return i
}

func (d *decoder) readEscaped(buf *[]byte, start, i int) ([]byte, bool) {
	b := append((*buf)[:0], d.data[start:i]...)
	for i < len(d.data) {
		// Copy the run up to the next byte to look at whole: Halo's HTML
		// text has an escape every line or so.
		if j := plainRun(d.data, i); j > i {
			b = append(b, d.data[i:j]...)
			if i = j; i >= len(d.data) {
				break
			}
		}
		c := d.data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			*buf = b
			return b, true
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(d.data[i:])
			if r == utf8.RuneError && n == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, d.data[i:i+n]...)
			}
			i += n
			continue
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(d.data) {
			break
		}
		switch e := d.data[i+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(d.data, i+2)
			if !ok {
				d.pos = i
				d.fail("invalid \\u escape")
				return nil, false
			}
			i += 6
			if r >= 0xD800 && r < 0xDC00 {
				// A surrogate pair, if the low half follows.
				if i+1 < len(d.data) && d.data[i] == '\\' && d.data[i+1] == 'u' {
					if lo, ok := hex4(d.data, i+2); ok && lo >= 0xDC00 && lo < 0xE000 {
						r = (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000
						i += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			} else if r >= 0xDC00 && r < 0xE000 {
				r = utf8.RuneError
			}
			b = utf8.AppendRune(b, r)
			continue
		default:
			d.pos = i
			d.fail("invalid escape")
			return nil, false
		}
		i += 2
	}
	d.pos = len(d.data)
	d.fail("unterminated string")
	return nil, false
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// readNumber reads a JSON number at pos and returns its text.
func (d *decoder) readNumber() ([]byte, bool) {
	start := d.pos
	n := numberLen(d.data[start:])
	if n == 0 {
		d.fail("invalid number")
		return nil, false
	}
	d.pos += n
	return d.data[start:d.pos], true
}

// numberLen returns the length of the JSON number at the start of b, or 0
// when b does not start with one.
func numberLen(b []byte) int {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return 0
	}
	if i < len(b) && b[i] == '.' {
		i++
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == j {
			return 0
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == j {
			return 0
		}
	}
	return i
}

// isNumber reports whether all of b is one JSON number.
func isNumber(b []byte) bool {
	return len(b) > 0 && numberLen(b) == len(b)
}

// literal consumes true, false or null.
func (d *decoder) literal(word string) bool {
	if len(d.data)-d.pos >= len(word) && string(d.data[d.pos:d.pos+len(word)]) == word {
		d.pos += len(word)
		return true
	}
	d.fail("invalid literal")
	return false
}

// skip consumes one value of any kind, checking its syntax.
func (d *decoder) skip() {
	switch c := d.peek(); c {
	case '"':
		d.readString(&d.scratch)
	case '{':
		// field() moves keyStart and valStart, which keep() needs to find
		// the field whose value is being skipped.
		ks, vs := d.keyStart, d.valStart
		if !d.enter() {
			return
		}
		for d.field() {
			d.skip()
		}
		d.keyStart, d.valStart = ks, vs
	case '[':
		if !d.enter() {
			return
		}
		for d.elem() {
			d.skip()
		}
	case 't':
		d.literal("true")
	case 'f':
		d.literal("false")
	case 'n':
		d.literal("null")
	case 0:
		d.fail("unexpected end of input")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			d.readNumber()
			return
		}
		d.fail("unexpected character " + strconv.QuoteRune(rune(c)))
	}
}

// container starts reading a value that should be an object or an array
// (open is '{' or '['). A null is consumed and reported; any other value is
// skipped whole and reported as not fitting (ok false).
func (d *decoder) container(open byte) (null, ok bool) {
	switch d.peek() {
	case 'n':
		d.literal("null")
		return true, true
	case open:
		return false, true
	}
	d.skip()
	return false, false
}

// containerMark remembers where a container started, to abandon it.
type containerMark struct{ start, depth, issues, keyStart, valStart int }

func (d *decoder) mark() containerMark {
	return containerMark{d.pos, d.depth, len(d.issues), d.keyStart, d.valStart}
}

// restoreField puts back the position of the field the container is the
// value of: nested fields move it, and keep() needs it.
func (d *decoder) restoreField(m containerMark) { d.keyStart, d.valStart = m.keyStart, m.valStart }

// abandon gives up a partly read container that does not fit its field:
// it goes back to the container's start and skips it whole (so that the
// field's raw value can be kept), and drops the issues of what it had read.
func (d *decoder) abandon(m containerMark) {
	d.issues = d.issues[:m.issues]
	if d.err == nil {
		d.pos, d.depth = m.start, m.depth
		d.skip()
	}
	d.restoreField(m)
}

// rawValue consumes one value and returns a copy of its JSON text (see
// appendRaw).
func (d *decoder) rawValue() []byte {
	d.peek()
	start := d.pos
	d.skip()
	if d.err != nil {
		return nil
	}
	return appendRaw(nil, d.data[start:d.pos])
}

// validJSON reports whether b is exactly one JSON value.
func validJSON(b []byte) bool {
	var d decoder
	d.data = b
	d.skip()
	d.peek()
	return d.err == nil && d.pos == len(b)
}
