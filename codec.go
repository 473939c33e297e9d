package halopsa

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/maphash"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// All JSON in and out of the client goes through this file and
// codectable.go. Generated models implement decodable and encodable (see
// the generated files): they hand the codec their address and field table, and
// the table loops read and write the fields with the typed readers and
// writers below.
//
// Decoding is strict about syntax and lenient about types, because Halo's
// servers do not always send what the spec says: an integer may come as
// 21.0 or "21", a boolean as 0/1 or "true", a timestamp without a zone.
// A value that cannot be converted at all is not fatal: the field stays
// unset, its raw JSON goes into the record's Extra map and a DecodeIssue
// is reported. Fields the spec does not declare go into Extra too.

// decodable and encodable are implemented by every generated struct. They
// are separate interfaces, and the generic helpers below constrain on one
// of them only, so that a program that only reads links no encoders (and
// one that only writes links no decoders): the linker keeps a method of a
// type only if it is called.
type decodable interface {
	// decTarget returns the record's address and its decode table (one
	// method per type instead of two: each costs every binary a few
	// hundred bytes of metadata).
	decTarget() (unsafe.Pointer, *decTable)
}

type encodable interface {
	// encTarget returns the record's address and its encode table.
	encTarget() (unsafe.Pointer, *encTable)
}

// encPtr constrains a type parameter to *T encoding itself.
type encPtr[T any] interface {
	*T
	encodable
}

// DecodeIssue reports a value Halo sent that could not be converted to its
// field's type. The value is kept, raw, in the record's Extra map under Field.
type DecodeIssue struct {
	Field string          // JSON name of the field
	Value json.RawMessage // what Halo sent
}

// ---- typed readers: each consumes one value and reports whether it fit ----

// scalar reads a value for a typed reader. It returns the kind of value
// ('"' string content, '0' number text, 't'/'f' booleans, 'n' null) and its
// text; objects and arrays are skipped and reported as kind 'x'.
func (d *decoder) scalar() ([]byte, byte) {
	switch c := d.peek(); c {
	case '"':
		s, ok := d.readString(&d.scratch)
		if !ok {
			return nil, 'n'
		}
		return s, '"'
	case 'n':
		d.literal("null")
		return nil, 'n'
	case 't':
		d.literal("true")
		return nil, 't'
	case 'f':
		d.literal("false")
		return nil, 'f'
	default:
		if c == '-' || c >= '0' && c <= '9' {
			n, ok := d.readNumber()
			if !ok {
				return nil, 'n'
			}
			return n, '0'
		}
		d.skip()
		return nil, 'x'
	}
}

func (d *decoder) str(p **string) bool {
	if d.peek() == '"' { // what scalar does for a string, with one dispatch less
		b, ok := d.readString(&d.scratch)
		if *p = nil; ok {
			*p = d.newString(b)
		}
		return true
	}
	b, k := d.scalar()
	switch k {
	case '"', '0':
		*p = d.newString(b)
	case 'n':
		*p = nil
	case 't':
		*p = d.newString([]byte("true"))
	case 'f':
		*p = d.newString([]byte("false"))
	default:
		return false
	}
	return true
}

// numText returns the number text of a scalar: the number itself, or a
// string holding one. empty reports "" (and null), which means unset.
func numText(b []byte, k byte) (num []byte, empty, ok bool) {
	switch k {
	case 'n':
		return nil, true, true
	case '0':
		return b, false, true
	case '"':
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			return nil, true, true
		}
		return b, false, isNumber(b)
	}
	return nil, false, false
}

// parseInt parses JSON number text as an integer: "21", "21.0" and "2.1e1"
// are all 21; "21.5" and out-of-range values fail. b must be a JSON number
// (see isNumber).
func parseInt(b []byte, bits int) (int64, bool) {
	if len(b) <= 18 {
		neg := b[0] == '-'
		i := 0
		if neg {
			i = 1
		}
		var v int64
		for ; i < len(b); i++ {
			c := b[i]
			if c < '0' || c > '9' {
				// 21.0, as Halo writes its decimals: nothing but zeros after the point.
				if c == '.' && strings.Trim(view(b[i+1:]), "0") == "" {
					break
				}
				goto slow
			}
			v = v*10 + int64(c-'0')
		}
		if neg {
			v = -v
		}
		return v, fitsBits(v, bits)
	}
slow:
	// Work on the decimal digits rather than through float64, which would
	// round 1234567890123456789.0 and accept 21.0000000000000000001.
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	var buf [24]byte // on the stack for most numbers
	digits := append(buf[:0], b[:i]...)
	shift := 0 // the value is digits × 10^shift
	if i < len(b) && b[i] == '.' {
		j := i + 1
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		digits = append(digits, b[i+1:j]...)
		shift -= j - i - 1
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := b[i] == '-'
		if b[i] == '+' || b[i] == '-' {
			i++
		}
		exp := 0
		for ; i < len(b); i++ {
			if exp < 1<<40 { // beyond that, the result is the same
				exp = exp*10 + int(b[i]-'0')
			}
		}
		if eneg {
			exp = -exp
		}
		shift += exp
	}
	for len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
	}
	if len(digits) == 0 {
		return 0, true
	}
	for digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		shift++
	}
	if shift < 0 || len(digits)+shift > 19 {
		return 0, false // a fraction, or more than 19 digits
	}
	var u uint64 // < 10^19 < 2^64
	for _, c := range digits {
		u = u*10 + uint64(c-'0')
	}
	for ; shift > 0; shift-- {
		u *= 10
	}
	lim := uint64(1) << (bits - 1)
	if neg {
		if u > lim {
			return 0, false
		}
		return int64(-u), true
	}
	if u >= lim {
		return 0, false
	}
	return int64(u), true
}

func fitsBits(v int64, bits int) bool {
	return bits == 64 || (v >= -(1<<(bits-1)) && v < 1<<(bits-1))
}

// plainInt reads an integer written plainly (no fraction, exponent or
// leading zero; at most 18 digits), as Halo writes most ids, in one pass
// instead of numberLen's and parseInt's two (with str's shortcut, about 5%
// of the instructions of a page decode, BenchmarkDecodeList/halo). It
// reports false, and reads nothing, for anything else: the general
// readers decide.
func (d *decoder) plainInt() (int64, bool) {
	data, i := d.data, d.pos
	neg := i < len(data) && data[i] == '-'
	if neg {
		i++
	}
	start := i
	var v int64
	for end := min(len(data), start+19); i < end; i++ {
		c := data[i] - '0'
		if c > 9 {
			break
		}
		v = v*10 + int64(c)
	}
	n := i - start
	switch {
	case n == 0 || n > 18 || n > 1 && data[start] == '0':
		return 0, false
	case i < len(data):
		if c := data[i]; c == '.' || c == 'e' || c == 'E' {
			return 0, false
		}
	}
	d.pos = i
	if neg {
		v = -v
	}
	return v, true
}

func (d *decoder) int(p **int) bool {
	if c := d.peek(); c == '-' || c >= '0' && c <= '9' {
		if v, ok := d.plainInt(); ok {
			if !fitsBits(v, strconv.IntSize) {
				return false
			}
			*p = d.newInt(int(v))
			return true
		}
	}
	num, empty, ok := numText(d.scalar())
	switch {
	case !ok:
		return false
	case empty:
		*p = nil
		return true
	}
	v, ok := parseInt(num, strconv.IntSize)
	if !ok {
		return false
	}
	*p = d.newInt(int(v))
	return true
}

func (d *decoder) int64(p **int64) bool {
	num, empty, ok := numText(d.scalar())
	switch {
	case !ok:
		return false
	case empty:
		*p = nil
		return true
	}
	v, ok := parseInt(num, 64)
	if !ok {
		return false
	}
	*p = &v
	return true
}

func (d *decoder) float64(p **float64) bool {
	num, empty, ok := numText(d.scalar())
	switch {
	case !ok:
		return false
	case empty:
		*p = nil
		return true
	}
	v, err := strconv.ParseFloat(view(num), 64)
	if err != nil {
		return false
	}
	*p = d.newFloat64(v)
	return true
}

func (d *decoder) float32(p **float32) bool {
	num, empty, ok := numText(d.scalar())
	switch {
	case !ok:
		return false
	case empty:
		*p = nil
		return true
	}
	v, err := strconv.ParseFloat(view(num), 32)
	if err != nil {
		return false
	}
	f := float32(v)
	*p = &f
	return true
}

// boolValue converts a scalar to a bool: true/false, 0/1, and strings
// holding either ("True", "1", ...). empty means null or "".
func boolValue(b []byte, k byte) (v, empty, ok bool) {
	switch k {
	case 't':
		return true, false, true
	case 'f':
		return false, false, true
	case 'n':
		return false, true, true
	case '0':
		switch string(b) {
		case "0", "0.0":
			return false, false, true
		case "1", "1.0":
			return true, false, true
		}
	case '"':
		s := strings.TrimSpace(string(b))
		switch strings.ToLower(s) {
		case "":
			return false, true, true
		case "true", "1", "t", "yes", "y":
			return true, false, true
		case "false", "0", "f", "no", "n":
			return false, false, true
		}
	}
	return false, false, false
}

func (d *decoder) bool(p **bool) bool {
	v, empty, ok := boolValue(d.scalar())
	switch {
	case !ok:
		return false
	case empty:
		*p = nil
	default:
		*p = d.newBool(v)
	}
	return true
}

func (d *decoder) time(p **Time) bool {
	b, k := d.scalar()
	switch k {
	case 'n':
		*p = nil
		return true
	case '"':
		if len(bytes.TrimSpace(b)) == 0 {
			*p = nil
			return true
		}
		t, err := parseTime(b)
		if err != nil {
			return false
		}
		*p = d.newTime(t)
		return true
	}
	return false
}

func (d *decoder) bytes(p *[]byte) bool {
	b, k := d.scalar()
	switch k {
	case 'n':
		*p = nil
		return true
	case '"':
		v, err := decodeBase64(b)
		if err != nil {
			return false
		}
		*p = v
		return true
	}
	return false
}

var strictStdEncoding = base64.StdEncoding.Strict()

// decodeBase64 accepts standard and URL alphabets, padded or not, with line
// breaks (as encoding/base64 does). Bytes that came in another form than
// the one the encoder writes (standard, padded, canonical, unbroken) carry
// the text they came as, so that the encoder can send it back unchanged;
// see base64Tag.
func decodeBase64(b []byte) ([]byte, error) {
	if bytes.IndexByte(b, '\r') < 0 && bytes.IndexByte(b, '\n') < 0 {
		out := make([]byte, strictStdEncoding.DecodedLen(len(b)))
		if n, err := strictStdEncoding.Decode(out, b); err == nil {
			return out[:n], nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		max := enc.DecodedLen(len(b))
		out := make([]byte, max+base64TagLen+len(b))
		n, err := enc.Decode(out[:max], b)
		if err == nil {
			return tagBase64(out, n, b), nil
		}
	}
	return nil, errors.New("invalid base64")
}

// The form base64 data came in cannot live beside it: generated models
// hold it as a plain []byte (Attachment.Data). So it lives in the slice's
// spare capacity, right after its length, where only the encoder looks:
//
//	data | base64Magic | hash of data (8 bytes) | length of text (4) | text
//
// The encoder sends the text back only when the magic is there and the hash
// still matches the bytes: bytes changed in place, appended to (which
// overwrites the tag) or cut (which moves the length away from it), and
// slices of the user's own, go out in the standard form. Standard data,
// nearly all of it, carries no tag and costs nothing.
// TestBase64KeepsTheFormHaloSent holds these assumptions.
const (
	base64Magic  = "\x00hAl0b64\xff"
	base64TagLen = len(base64Magic) + 8 + 4
)

var base64Seed = maphash.MakeSeed()

// tagBase64 returns the n bytes decoded at the start of out with text
// stored after them; out has room for the tag and text past n.
func tagBase64(out []byte, n int, text []byte) []byte {
	tag := out[n:]
	copy(tag, base64Magic)
	binary.LittleEndian.PutUint64(tag[len(base64Magic):], maphash.Bytes(base64Seed, out[:n]))
	binary.LittleEndian.PutUint32(tag[len(base64Magic)+8:], uint32(len(text)))
	copy(tag[base64TagLen:], text)
	return out[: n : n+base64TagLen+len(text)]
}

// base64Tag returns the text v was decoded from, if v carries a tag and
// still holds the bytes it was decoded to.
func base64Tag(v []byte) ([]byte, bool) {
	tag := v[len(v):cap(v)]
	if len(tag) < base64TagLen || string(tag[:len(base64Magic)]) != base64Magic {
		return nil, false
	}
	n := binary.LittleEndian.Uint32(tag[len(base64Magic)+8:])
	if uint64(n) > uint64(len(tag)-base64TagLen) ||
		binary.LittleEndian.Uint64(tag[len(base64Magic):]) != maphash.Bytes(base64Seed, v) {
		return nil, false
	}
	return tag[base64TagLen : base64TagLen+int(n)], true
}

func (d *decoder) raw(p *json.RawMessage) bool {
	if d.peek() == 'n' {
		d.literal("null")
		*p = nil
		return true
	}
	*p = d.rawValue()
	return true
}

func (d *decoder) rawMap(p *map[string]json.RawMessage) bool {
	null, ok := d.container('{')
	switch {
	case !ok:
		return false
	case null:
		*p = nil
		return true
	}
	if !d.enter() {
		return true
	}
	m := map[string]json.RawMessage{}
	for d.field() {
		k := string(d.key)
		m[k] = d.rawValue()
	}
	*p = m
	return true
}

// sliceOf reads a JSON array whose elements read with one. A null array is
// nil; an element that does not fit fails the whole field (it is then kept
// raw, so nothing is lost).
func sliceOf[T any](d *decoder, p *[]T, one func(d *decoder, v *T) bool) bool {
	null, ok := d.container('[')
	switch {
	case !ok:
		return false
	case null:
		*p = nil
		return true
	}
	m := d.mark()
	if !d.enter() {
		return true
	}
	s := make([]T, 0, 4)
	for d.elem() {
		var v T
		if !one(d, &v) {
			d.abandon(m)
			return false
		}
		s = append(s, v)
	}
	*p = s
	return true
}

func oneStr(d *decoder, v *string) bool {
	var p *string
	ok := d.str(&p) && p != nil
	if ok {
		*v = *p
	}
	return ok
}

func oneInt(d *decoder, v *int) bool {
	var p *int
	ok := d.int(&p) && p != nil
	if ok {
		*v = *p
	}
	return ok
}

func oneInt64(d *decoder, v *int64) bool {
	var p *int64
	ok := d.int64(&p) && p != nil
	if ok {
		*v = *p
	}
	return ok
}

func oneFloat64(d *decoder, v *float64) bool {
	var p *float64
	ok := d.float64(&p) && p != nil
	if ok {
		*v = *p
	}
	return ok
}

func oneBool(d *decoder, v *bool) bool {
	var p *bool
	ok := d.bool(&p) && p != nil
	if ok {
		*v = *p
	}
	return ok
}

func oneTime(d *decoder, v *Time) bool {
	var p *Time
	ok := d.time(&p) && p != nil
	if ok {
		*v = *p
	}
	return ok
}

func oneRaw(d *decoder, v *json.RawMessage) bool {
	*v = d.rawValue()
	return true
}

func (d *decoder) strs(p *[]string) bool          { return sliceOf(d, p, oneStr) }
func (d *decoder) ints(p *[]int) bool             { return sliceOf(d, p, oneInt) }
func (d *decoder) int64s(p *[]int64) bool         { return sliceOf(d, p, oneInt64) }
func (d *decoder) float64s(p *[]float64) bool     { return sliceOf(d, p, oneFloat64) }
func (d *decoder) bools(p *[]bool) bool           { return sliceOf(d, p, oneBool) }
func (d *decoder) times(p *[]Time) bool           { return sliceOf(d, p, oneTime) }
func (d *decoder) raws(p *[]json.RawMessage) bool { return sliceOf(d, p, oneRaw) }

// extra keeps a field the spec does not declare. Its name and value are
// copied into the arena (see rawText), as Halo sends such fields in most
// records.
func (d *decoder) extra(m *map[string]json.RawMessage) {
	k := d.text(d.key)
	d.peek()
	start := d.pos
	d.skip()
	if d.err != nil {
		return
	}
	v := d.rawText(d.data[start:d.pos])
	if *m == nil {
		*m = make(map[string]json.RawMessage)
	}
	(*m)[k] = v
}

// keep stores the raw value of the field just read, which did not fit its
// type, in Extra and reports it.
func (d *decoder) keep(m *map[string]json.RawMessage) {
	if d.err != nil {
		return
	}
	end := d.pos
	k := d.keyAt(d.keyStart)
	raw := json.RawMessage(appendRaw(nil, d.data[d.valStart:end]))
	if *m == nil {
		*m = make(map[string]json.RawMessage)
	}
	if old, ok := (*m)[k]; ok {
		d.dropIssue(k, old) // the key came before: the last one wins
	}
	(*m)[k] = raw
	d.issues = append(d.issues, DecodeIssue{Field: k, Value: raw})
}

// dropKept removes what Extra holds for a declared field that a later
// value of the same key filled, and the issue reported for it: the last
// key wins.
func (d *decoder) dropKept(m *map[string]json.RawMessage, k string) {
	if old, ok := (*m)[k]; ok {
		delete(*m, k)
		if len(*m) == 0 {
			*m = nil // as if the value that did not fit had never come
		}
		d.dropIssue(k, old)
	}
}

// dropIssue removes the issue keep reported for v, found by identity: keep
// stores the same slice in Extra and in the issue. A value that came
// before this decode has no issue.
func (d *decoder) dropIssue(k string, v json.RawMessage) {
	for i := len(d.issues) - 1; i >= 0; i-- {
		if is := d.issues[i].Value; d.issues[i].Field == k && len(is) == len(v) && len(v) > 0 && &is[0] == &v[0] {
			d.issues = append(d.issues[:i], d.issues[i+1:]...)
			return
		}
	}
}

// keyAt re-reads the field name at off without disturbing the decoder.
func (d *decoder) keyAt(off int) string {
	sub := decoder{data: d.data, pos: off}
	var buf []byte
	k, _ := sub.readString(&buf)
	return string(k)
}

// ---- decoding entry points ----

// sliceTarget decodes a top-level JSON array of records.
type sliceTarget interface {
	decodeArray(d *decoder) bool
}

type modelsOutT[T any, P tabled[T]] struct{ p *[]T }

func (o modelsOutT[T, P]) decodeArray(d *decoder) bool {
	if d.peek() == '{' {
		// One object where records were expected: Halo answers a POST of
		// one record with the record itself.
		s := make([]T, 1)
		if d.enter() {
			_, t := P(nil).decTarget()
			d.object(unsafe.Pointer(&s[0]), t)
		}
		*o.p = s
		return true
	}
	_, t := P(nil).decTarget()
	return d.many(unsafe.Pointer(o.p), t, true)
}

// modelsOut makes a decode target for a bare JSON array of records.
func modelsOut[T any, P tabled[T]](p *[]T) sliceTarget { return modelsOutT[T, P]{p} }

var decoderPool = sync.Pool{New: func() any { return new(decoder) }}

// decodeJSON decodes data into out: a model, a sliceTarget, a
// *json.RawMessage, or anything encoding/json accepts. It returns the
// values that did not fit their fields.
func decodeJSON(data []byte, out any) ([]DecodeIssue, error) {
	switch o := out.(type) {
	case *json.RawMessage:
		_, err := decodeWith(data, func(d *decoder) error {
			if !d.atEnd() {
				d.skip()
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		*o = append((*o)[:0], data...)
		return nil, nil
	case decodable:
		return decodeWith(data, func(d *decoder) error { return decodeTopModel(d, o) })
	case selfDecoder:
		return decodeWith(data, o.decodeSelf)
	case sliceTarget:
		return decodeWith(data, func(d *decoder) error {
			if d.atEnd() {
				return nil
			}
			if !o.decodeArray(d) && d.err == nil {
				return errors.New("expected a JSON array of records")
			}
			return nil
		})
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	return nil, json.Unmarshal(data, out)
}

// getDecoder takes a pooled decoder set to read data; putDecoder returns
// it, dropping its reference to data (a pooled decoder must not pin a
// body) and keeping it only when its scratch buffer is small.
func getDecoder(data []byte) *decoder {
	d := decoderPool.Get().(*decoder)
	d.reset(data)
	return d
}

func putDecoder(d *decoder) {
	d.reset(nil)
	if cap(d.scratch) < 1<<16 {
		decoderPool.Put(d)
	}
}

func decodeWith(data []byte, f func(d *decoder) error) ([]DecodeIssue, error) {
	d := getDecoder(data)
	err := f(d)
	if err == nil && d.err == nil && !d.atEnd() {
		d.fail("unexpected data after the JSON value")
	}
	if err == nil && d.err != nil {
		err = d.err
	}
	issues := d.issues
	putDecoder(d)
	return issues, err
}

// decodeTopModel reads one record. An empty body or null leaves it empty.
// An array holding exactly one record is accepted too: Halo answers some
// POSTs of one record with an array of one.
func decodeTopModel(d *decoder, m decodable) error {
	p, t := m.decTarget()
	bl, _ := m.(bareList)
	return decodeTopRecord(d, p, t, bl)
}

// decodeTopRecord is decodeTopModel for the record at p, whose table is t;
// bl, when not nil, takes a bare array. It takes no interface for the
// record so that a caller's record need not escape (request.into).
func decodeTopRecord(d *decoder, p unsafe.Pointer, t *decTable, bl bareList) error {
	if d.atEnd() {
		return nil
	}
	switch d.peek() {
	case 'n':
		d.literal("null")
		return nil
	case '{':
		if d.enter() {
			d.object(p, t)
		}
		return nil
	case '[':
		if bl != nil {
			if !bl.decodeBareList(d) && d.err == nil {
				return errors.New("expected a list of records")
			}
			return nil
		}
		start, n, objects := d.pos, 0, 0
		d.enter()
		for d.elem() {
			n++
			if n == 1 && d.peek() == '{' {
				objects++
				if d.enter() {
					d.object(p, t)
				}
				continue
			}
			d.skip()
		}
		if d.err == nil && (n != 1 || objects != 1) {
			d.pos = start
			return errors.New("expected one record, got an array of " + strconv.Itoa(n) + " values")
		}
		return nil
	}
	return errors.New("expected a JSON object")
}

// bareList is implemented by Halo's list wrappers: some tenants answer a
// list with a bare array of records instead of the wrapper.
type bareList interface {
	decodeBareList(d *decoder) bool
}

// unmarshalModel backs the generated UnmarshalJSON methods: the same
// rules as the client's own decoding.
func unmarshalModel(data []byte, m decodable) error {
	_, err := decodeWith(data, func(d *decoder) error {
		if d.atEnd() {
			return errors.New("empty input")
		}
		return decodeTopModel(d, m)
	})
	return err
}

// ---- encoder ----

// encoder writes JSON. The table loop (encoder.object) calls open, one writer
// per field (each skips unset values), and close.
type encoder struct {
	buf   []byte
	comma bool  // a value was written in the current container
	keys  []int // offsets of the keys written in the open objects
	err   error
}

var encoderPool = sync.Pool{New: func() any { return new(encoder) }}

func getEncoder() *encoder {
	e := encoderPool.Get().(*encoder)
	e.buf, e.comma, e.keys, e.err = e.buf[:0], false, e.keys[:0], nil
	return e
}

func putEncoder(e *encoder) {
	if cap(e.buf) <= 1<<20 {
		encoderPool.Put(e)
	}
}

// result returns a copy of what was written, or the first error.
func (e *encoder) result() ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	return append([]byte(nil), e.buf...), nil
}

func (e *encoder) open() int {
	e.buf = append(e.buf, '{')
	e.comma = false
	return len(e.keys)
}

// close writes the Extra fields that were not written as typed fields, then
// the closing brace.
func (e *encoder) close(mark int, extra map[string]json.RawMessage) {
	if len(extra) > 0 {
		names := make([]string, 0, len(extra))
		for k := range extra {
			names = append(names, k)
		}
		sort.Strings(names)
		var q []byte
		for _, k := range names {
			q = appendString(q[:0], k)
			q = append(q, ':')
			if e.written(mark, q) {
				continue
			}
			v := extra[k]
			if !validJSON(v) {
				e.fail(errors.New("halopsa: Extra[" + strconv.Quote(k) + "] is not valid JSON"))
				continue
			}
			e.sep()
			e.keys = append(e.keys, len(e.buf))
			e.buf = append(e.buf, q...)
			e.buf = appendRaw(e.buf, v)
		}
	}
	e.keys = e.keys[:mark]
	e.buf = append(e.buf, '}')
	e.comma = true
}

func (e *encoder) written(mark int, quotedKey []byte) bool {
	for _, off := range e.keys[mark:] {
		if bytes.HasPrefix(e.buf[off:], quotedKey) {
			return true
		}
	}
	return false
}

func (e *encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

func (e *encoder) sep() {
	if e.comma {
		e.buf = append(e.buf, ',')
	}
	e.comma = true
}

// key writes a pre-encoded `"name":`.
func (e *encoder) key(k string) {
	e.sep()
	e.keys = append(e.keys, len(e.buf))
	e.buf = append(e.buf, k...)
}

func (e *encoder) str(k string, v *string) {
	if v != nil {
		e.key(k)
		e.buf = appendString(e.buf, *v)
	}
}

func (e *encoder) int(k string, v *int) {
	if v != nil {
		e.key(k)
		e.buf = strconv.AppendInt(e.buf, int64(*v), 10)
	}
}

func (e *encoder) int64(k string, v *int64) {
	if v != nil {
		e.key(k)
		e.buf = strconv.AppendInt(e.buf, *v, 10)
	}
}

func (e *encoder) float64(k string, v *float64) {
	if v != nil {
		e.key(k)
		e.appendFloat(*v, 64)
	}
}

func (e *encoder) float32(k string, v *float32) {
	if v != nil {
		e.key(k)
		e.appendFloat(float64(*v), 32)
	}
}

// appendFloat formats like encoding/json: no exponent for ordinary values.
func (e *encoder) appendFloat(f float64, bits int) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		e.fail(errors.New("halopsa: cannot encode " + strconv.FormatFloat(f, 'g', -1, bits) + " in JSON"))
		e.buf = append(e.buf, '0')
		return
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21)) {
		format = 'e'
	}
	e.buf = strconv.AppendFloat(e.buf, f, format, -1, bits)
	if format == 'e' {
		// 1e-07 -> 1e-7, as encoding/json writes it
		if n := len(e.buf); n >= 4 && e.buf[n-4] == 'e' && e.buf[n-3] == '-' && e.buf[n-2] == '0' {
			e.buf[n-2] = e.buf[n-1]
			e.buf = e.buf[:n-1]
		}
	}
}

func (e *encoder) bool(k string, v *bool) {
	if v != nil {
		e.key(k)
		e.buf = strconv.AppendBool(e.buf, *v)
	}
}

func (e *encoder) time(k string, v *Time) {
	if v != nil {
		e.key(k)
		e.appendTime(v)
	}
}

func (e *encoder) appendTime(t *Time) {
	if err := t.checkYear(); err != nil {
		e.fail(err)
	}
	e.buf = t.appendJSON(e.buf)
}

func (e *encoder) bytes(k string, v []byte) {
	if v != nil {
		e.key(k)
		if text, ok := base64Tag(v); ok {
			e.buf = appendString(e.buf, view(text)) // the form Halo sent
			return
		}
		e.buf = append(e.buf, '"')
		e.buf = base64.StdEncoding.AppendEncode(e.buf, v)
		e.buf = append(e.buf, '"')
	}
}

func (e *encoder) raw(k string, v json.RawMessage) {
	if v == nil {
		return
	}
	if !validJSON(v) {
		e.fail(errors.New("halopsa: field " + k + " holds invalid JSON"))
		return
	}
	e.key(k)
	e.buf = appendRaw(e.buf, v)
}

func (e *encoder) rawMap(k string, v map[string]json.RawMessage) {
	if v == nil {
		return
	}
	e.key(k)
	mark := e.open()
	e.close(mark, v)
}

func encodeSlice[T any](e *encoder, k string, s []T, one func(e *encoder, v *T)) {
	if s == nil {
		return
	}
	e.key(k)
	e.buf = append(e.buf, '[')
	for i := range s {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		one(e, &s[i])
	}
	e.buf = append(e.buf, ']')
	e.comma = true
}

func (e *encoder) strs(k string, v []string) {
	encodeSlice(e, k, v, func(e *encoder, s *string) { e.buf = appendString(e.buf, *s) })
}

func (e *encoder) ints(k string, v []int) {
	encodeSlice(e, k, v, func(e *encoder, n *int) { e.buf = strconv.AppendInt(e.buf, int64(*n), 10) })
}

func (e *encoder) int64s(k string, v []int64) {
	encodeSlice(e, k, v, func(e *encoder, n *int64) { e.buf = strconv.AppendInt(e.buf, *n, 10) })
}

func (e *encoder) float64s(k string, v []float64) {
	encodeSlice(e, k, v, func(e *encoder, f *float64) { e.appendFloat(*f, 64) })
}

func (e *encoder) bools(k string, v []bool) {
	encodeSlice(e, k, v, func(e *encoder, b *bool) { e.buf = strconv.AppendBool(e.buf, *b) })
}

func (e *encoder) times(k string, v []Time) {
	encodeSlice(e, k, v, func(e *encoder, t *Time) { e.appendTime(t) })
}

func (e *encoder) raws(k string, v []json.RawMessage) {
	encodeSlice(e, k, v, func(e *encoder, r *json.RawMessage) {
		if len(*r) == 0 {
			e.buf = append(e.buf, "null"...)
			return
		}
		if !validJSON(*r) {
			e.fail(errors.New("halopsa: field " + k + " holds invalid JSON"))
		}
		e.buf = appendRaw(e.buf, *r)
	})
}

const hexDigits = "0123456789abcdef"

// appendRaw appends the JSON value v, which the scanner accepted, without
// the whitespace around it, with any raw control character inside a string
// escaped (the scanner tolerates those, JSON does not) and invalid UTF-8
// replaced by U+FFFD, as in typed strings (see readString and
// appendString). Valid JSON in UTF-8 is appended unchanged.
func appendRaw(b, v []byte) []byte {
	v = bytes.TrimSpace(v)
	start, inString := 0, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"':
			inString = !inString
		case c == '\\' && inString:
			i++
		case c < 0x20 && inString:
			b = append(b, v[start:i]...)
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			start = i + 1
		case c >= utf8.RuneSelf && inString:
			r, n := utf8.DecodeRune(v[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, v[start:i]...)
				b = append(b, `\ufffd`...)
				start = i + 1
				continue
			}
			i += n - 1
		}
	}
	return append(b, v[start:]...)
}

// appendString writes s as a JSON string. Invalid UTF-8 becomes U+FFFD, as
// in encoding/json; HTML characters are not escaped (Halo does not need it).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// ---- encoding entry points ----

// body is a request body, encoded once before the first attempt so that
// retries send the same bytes.
type body interface {
	encodeBody() (contentType string, data []byte, err error)
}

type modelsBodyT[T any, P encPtr[T]] []T

func (b modelsBodyT[T, P]) encodeBody() (string, []byte, error) {
	e := getEncoder()
	defer putEncoder(e)
	e.buf = append(e.buf, '[')
	for i := range b {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.object(P(&b[i]).encTarget())
	}
	e.buf = append(e.buf, ']')
	data, err := e.result()
	return "application/json", data, err
}

// modelsBody makes a body of records; nil sends no body.
func modelsBody[T any, P encPtr[T]](s []T) body {
	if s == nil {
		return nil
	}
	return modelsBodyT[T, P](s)
}

type modelBodyT struct{ m encodable }

func (b modelBodyT) encodeBody() (string, []byte, error) {
	data, err := marshalModel(b.m)
	return "application/json", data, err
}

// modelBody makes a body of one record; nil sends no body.
func modelBody[T any, P encPtr[T]](v *T) body {
	if v == nil {
		return nil
	}
	return modelBodyT{P(v)}
}

type valueBodyT struct{ v any }

func (b valueBodyT) encodeBody() (string, []byte, error) {
	data, err := marshalValue(b.v)
	return "application/json", data, err
}

// valueBody makes a body of a plain JSON value (a list of IDs, a string,
// a map); nil sends no body.
func valueBody[V any](v V) body {
	switch x := any(v).(type) {
	case nil:
		return nil
	case []int:
		if x == nil {
			return nil
		}
	case []string:
		if x == nil {
			return nil
		}
	case *string:
		if x == nil {
			return nil
		}
	case map[string]json.RawMessage:
		if x == nil {
			return nil
		}
	case json.RawMessage:
		if x == nil {
			return nil
		}
	}
	return valueBodyT{v}
}

// Marshal encodes a generated record (or list wrapper) the way the client
// sends it: unset fields are left out, Extra is included, timestamps keep
// the form Halo sent. Models have no MarshalJSON method on purpose: it would
// make every program link the encoders of every record type it can read
// (see decodable). encoding/json on a model ignores Extra.
func Marshal(v encodable) ([]byte, error) {
	if v == nil {
		return []byte("null"), nil
	}
	return marshalModel(v)
}

// marshalModel encodes a record.
func marshalModel(m encodable) ([]byte, error) {
	e := getEncoder()
	defer putEncoder(e)
	e.object(m.encTarget())
	return e.result()
}

// marshalValue encodes what is not a model: plain values, and (for Do)
// whatever the caller passes.
func marshalValue(v any) ([]byte, error) {
	switch x := v.(type) {
	case encodable:
		return marshalModel(x)
	case json.RawMessage:
		if !validJSON(x) {
			return nil, errors.New("halopsa: body is not valid JSON")
		}
		return appendRaw(nil, x), nil
	case []byte:
		return x, nil
	case *string:
		if x == nil {
			return []byte("null"), nil
		}
		return appendString(nil, *x), nil
	case string:
		return appendString(nil, x), nil
	}
	if data, ok, err := marshalModels(reflect.ValueOf(v)); ok {
		return data, err
	}
	return json.Marshal(v)
}

var encodableType = reflect.TypeFor[encodable]()

// marshalModels encodes a model that is not behind a pointer, or a slice,
// array or pointer of models, as the client sends models: encoding/json
// would leave out their Extra. ok is false for anything else. (A type
// converted to an interface keeps the methods of its pointer type that an
// interface call can reach, so the pointer types found here do have
// encTarget.)
func marshalModels(v reflect.Value) (data []byte, ok bool, err error) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil, false, nil
		}
		if m, is := v.Interface().(encodable); is {
			data, err := marshalModel(m)
			return data, true, err
		}
		v = v.Elem()
	}
	t := v.Type()
	switch v.Kind() {
	case reflect.Struct:
		if !reflect.PointerTo(t).Implements(encodableType) {
			return nil, false, nil
		}
		p := reflect.New(t)
		p.Elem().Set(v)
		data, err := marshalModel(p.Interface().(encodable))
		return data, true, err
	case reflect.Slice, reflect.Array:
		et := t.Elem()
		ptrs := et.Kind() == reflect.Pointer && et.Implements(encodableType)
		if !ptrs && !reflect.PointerTo(et).Implements(encodableType) {
			return nil, false, nil
		}
		if v.Kind() == reflect.Slice && v.IsNil() {
			return []byte("null"), true, nil
		}
		if !ptrs && !v.CanAddr() { // an array passed by value
			a := reflect.New(t).Elem()
			a.Set(v)
			v = a
		}
		e := getEncoder()
		defer putEncoder(e)
		e.buf = append(e.buf, '[')
		for i := range v.Len() {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			el := v.Index(i)
			if !ptrs {
				el = el.Addr()
			}
			if el.IsNil() {
				e.buf = append(e.buf, "null"...)
				continue
			}
			e.object(el.Interface().(encodable).encTarget())
		}
		e.buf = append(e.buf, ']')
		data, err := e.result()
		return data, true, err
	}
	return nil, false, nil
}
