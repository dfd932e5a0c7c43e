package hookdrill

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Field is one key of an Object.
type Field struct {
	Key   string
	Value any
}

// Object is a JSON object that keeps its key order, because the platforms
// sign exact bytes and receivers may re-serialise in that order. Values are
// nil, bool, string, json.Number, int, int64, float64, []any or Object.
type Object []Field

// Get returns the value stored under key.
func (o Object) Get(key string) (any, bool) {
	for _, f := range o {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

// GetString returns the value under key when it is a string.
func (o Object) GetString(key string) string {
	v, _ := o.Get(key)
	s, _ := v.(string)
	return s
}

// Set replaces the value under key in place, or appends the key.
func (o Object) Set(key string, v any) Object {
	for i := range o {
		if o[i].Key == key {
			o[i].Value = v
			return o
		}
	}
	return append(o, Field{key, v})
}

// Clone returns a deep copy.
func (o Object) Clone() Object {
	if o == nil {
		return nil
	}
	c := make(Object, len(o))
	for i, f := range o {
		c[i] = Field{f.Key, cloneValue(f.Value)}
	}
	return c
}

func cloneValue(v any) any {
	switch t := v.(type) {
	case Object:
		return t.Clone()
	case []any:
		c := make([]any, len(t))
		for i := range t {
			c[i] = cloneValue(t[i])
		}
		return c
	default:
		return v
	}
}

// MarshalJSON writes compact JSON in key order.
func (o Object) MarshalJSON() ([]byte, error) { return EncodeCompact(o) }

// UnmarshalJSON reads a JSON object keeping its key order.
func (o *Object) UnmarshalJSON(b []byte) error {
	obj, err := ParseObject(b)
	if err != nil {
		return err
	}
	*o = obj
	return nil
}

// ErrNotObject is returned by ParseObject for valid JSON that is not an object.
var ErrNotObject = errors.New("JSON value is not an object")

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 200

// ParseObject decodes a JSON object, keeping key order and number literals.
// Duplicate keys keep their last value at the first key's position.
func ParseObject(b []byte) (Object, error) {
	v, err := ParseValue(b)
	if err != nil {
		return nil, err
	}
	o, ok := v.(Object)
	if !ok {
		return nil, ErrNotObject
	}
	return o, nil
}

// ParseValue decodes any JSON value; objects become Object, numbers json.Number.
func ParseValue(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := parseValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: trailing data after the value")
	}
	return v, nil
}

func parseValue(dec *json.Decoder, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("invalid JSON: nesting deeper than %d", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, errors.New("invalid JSON: unexpected end of input")
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := Object{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("invalid JSON: %w", err)
				}
				k, ok := kt.(string)
				if !ok {
					return nil, errors.New("invalid JSON: object key is not a string")
				}
				v, err := parseValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				o = o.Set(k, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("invalid JSON: %w", err)
			}
			return o, nil
		case '[':
			a := []any{}
			for dec.More() {
				v, err := parseValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("invalid JSON: %w", err)
			}
			return a, nil
		}
		return nil, fmt.Errorf("invalid JSON: unexpected %q", t)
	default:
		return t, nil // nil, bool, string, json.Number
	}
}

// EncodePython serialises v exactly like Python's json.dumps with default
// arguments: ", " and ": " separators, every character outside printable
// ASCII escaped as \uXXXX (surrogate pairs above U+FFFF), keys in order.
func EncodePython(v any) ([]byte, error) { return encodeExact(v, pythonStyle) }

// EncodeCompact serialises v exactly like JavaScript's JSON.stringify: no
// whitespace, non-ASCII kept as UTF-8, keys in order.
func EncodeCompact(v any) ([]byte, error) { return encodeExact(v, jsStyle) }

// encodeExact encodes into a scratch buffer on the stack and returns a copy
// of exactly the encoded length: the sender keeps every body for the
// delivery's retries, so spare capacity would be kept too.
func encodeExact(v any, s style) ([]byte, error) {
	var scratch [1024]byte
	b, err := appendValue(scratch[:0], v, s, 0)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(b), nil
}

type style struct {
	comma, colon string
	asciiOnly    bool
	python       bool
}

var (
	pythonStyle = style{comma: ", ", colon: ": ", asciiOnly: true, python: true}
	jsStyle     = style{comma: ",", colon: ":"}
)

func appendValue(b []byte, v any, s style, depth int) ([]byte, error) {
	if depth > maxDepth {
		return b, fmt.Errorf("encode JSON: nesting deeper than %d", maxDepth)
	}
	var err error
	switch t := v.(type) {
	case nil:
		b = append(b, "null"...)
	case bool:
		b = strconv.AppendBool(b, t)
	case string:
		b = appendString(b, t, s)
	case Secret:
		b = appendString(b, string(t), s)
	case json.Number:
		if !json.Valid([]byte(t)) {
			return b, fmt.Errorf("encode JSON: invalid number %q", string(t))
		}
		b = append(b, t...)
	case int:
		b = strconv.AppendInt(b, int64(t), 10)
	case int64:
		b = strconv.AppendInt(b, t, 10)
	case float64:
		f, err := formatFloat(t, s)
		if err != nil {
			return b, err
		}
		b = append(b, f...)
	case Object:
		b = append(b, '{')
		for i, f := range t {
			if i > 0 {
				b = append(b, s.comma...)
			}
			b = appendString(b, f.Key, s)
			b = append(b, s.colon...)
			if b, err = appendValue(b, f.Value, s, depth+1); err != nil {
				return b, err
			}
		}
		b = append(b, '}')
	case []any:
		b = append(b, '[')
		for i, e := range t {
			if i > 0 {
				b = append(b, s.comma...)
			}
			if b, err = appendValue(b, e, s, depth+1); err != nil {
				return b, err
			}
		}
		b = append(b, ']')
	case []string:
		b = append(b, '[')
		for i, e := range t {
			if i > 0 {
				b = append(b, s.comma...)
			}
			b = appendString(b, e, s)
		}
		b = append(b, ']')
	default:
		return b, fmt.Errorf("encode JSON: unsupported type %T", v)
	}
	return b, nil
}

func formatFloat(f float64, s style) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("encode JSON: %v is not representable", f)
	}
	if !s.python {
		// ECMA-262 Number::toString (what JSON.stringify writes).
		if f == 0 {
			return "0", nil // JSON.stringify(-0) is "0"
		}
		r := strconv.FormatFloat(f, 'e', -1, 64) // shortest round-trip digits
		sign := ""
		if r[0] == '-' {
			sign, r = "-", r[1:]
		}
		mant, exp, _ := strings.Cut(r, "e")
		digits := strings.Replace(mant, ".", "", 1)
		e, _ := strconv.Atoi(exp)
		k, n := len(digits), e+1
		switch {
		case k <= n && n <= 21:
			return sign + digits + strings.Repeat("0", n-k), nil
		case 0 < n && n <= 21:
			return sign + digits[:n] + "." + digits[n:], nil
		case -6 < n && n <= 0:
			return sign + "0." + strings.Repeat("0", -n) + digits, nil
		}
		out := digits[:1]
		if k > 1 {
			out += "." + digits[1:]
		}
		if n-1 < 0 {
			return sign + out + "e-" + strconv.Itoa(1-n), nil
		}
		return sign + out + "e+" + strconv.Itoa(n-1), nil
	}
	// Python float repr: shortest round-trip digits, scientific notation
	// when the exponent is < -4 or >= 16, and always a fraction or exponent.
	exp := 0
	if f != 0 {
		exp = int(math.Floor(math.Log10(math.Abs(f))))
	}
	if exp < -4 || exp >= 16 {
		r := strconv.FormatFloat(f, 'e', -1, 64) // e.g. 1e+16, 1.5e-05
		mant, e, _ := strings.Cut(r, "e")
		sign := e[0]
		digits := strings.TrimLeft(e[1:], "0")
		if len(digits) < 2 {
			digits = fmt.Sprintf("%02s", digits)
		}
		return mant + "e" + string(sign) + digits, nil
	}
	r := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(r, ".") {
		r += ".0"
	}
	return r, nil
}

const hexDigits = "0123456789abcdef"

// plainByte reports whether c is written as itself inside a JSON string in
// style s: printable ASCII other than '"' and '\\' (and, for JavaScript,
// DEL, which JSON.stringify leaves alone).
func plainByte(c byte, s style) bool {
	return c >= 0x20 && c != '"' && c != '\\' && (c < 0x7f || c == 0x7f && !s.asciiOnly)
}

func appendString(b []byte, str string, s style) []byte {
	b = append(b, '"')
	for i := 0; i < len(str); {
		// Copy the run of bytes that need no escaping in one go.
		j := i
		for j < len(str) && plainByte(str[j], s) {
			j++
		}
		b = append(b, str[i:j]...)
		if i = j; i == len(str) {
			break
		}
		c := str[i]
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				b = append(b, `\"`...)
			case '\\':
				b = append(b, `\\`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			default: // other control characters, and DEL in Python's style
				b = appendU(b, rune(c))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(str[i:])
		// Invalid UTF-8 becomes U+FFFD, as both Python and JS see text.
		switch {
		case !s.asciiOnly:
			b = utf8.AppendRune(b, r)
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			b = appendU(appendU(b, r1), r2)
		default:
			b = appendU(b, r)
		}
		i += size
	}
	return append(b, '"')
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[(r>>12)&0xf], hexDigits[(r>>8)&0xf], hexDigits[(r>>4)&0xf], hexDigits[r&0xf])
}
