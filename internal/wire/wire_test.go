package wire_test

import (
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hookdrill/hookdrill/internal/wire"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMutateID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"6394cee383e14a167638b3a1", "6394cee383e14a167638b3a2"},
		{"6394cee383e14a167638b3a9", "6394cee383e14a167638b3aa"},
		{"6394cee383e14a167638b3af", "6394cee383e14a167638b3a0"},
		{"006a4577-43d6-448a-a3d6-1a63581CA21F", "006a4577-43d6-448a-a3d6-1a63581CA210"},
		{"sub_x", "sub_0"},
		{"café", "caf0"},
		{"", "0"},
	}
	for _, tt := range tests {
		tassert.Equal(t, tt.want, wire.MutateID(tt.in), tt.in)
	}
}

func FuzzMutateID(f *testing.F) {
	for _, s := range []string{"", "a", "f", "F", "9", "é", "\xff", "ab\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := wire.MutateID(s)
		require.NotEqual(t, s, got)
		if utf8.ValidString(s) {
			require.True(t, utf8.ValidString(got))
		}
	})
}

func TestDecodeMAC(t *testing.T) {
	mac := make([]byte, 32)
	for i := range mac {
		mac[i] = byte(i * 7)
	}
	good := base64.StdEncoding.EncodeToString(mac)
	got, err := wire.DecodeMAC(good, 32)
	require.NoError(t, err)
	tassert.Equal(t, mac, got)
	for _, bad := range []string{"", good[:43], strings.TrimRight(good, "="), good + "=", "!!" + good[2:],
		base64.StdEncoding.EncodeToString(mac[:31]), good[:42] + "B="} {
		_, err := wire.DecodeMAC(bad, 32)
		tassert.Error(t, err, bad)
	}
}

func TestFlipBit(t *testing.T) {
	got, err := wire.FlipBit("AAAA")
	require.NoError(t, err)
	tassert.Equal(t, "AQAA", got)
	_, err = wire.FlipBit("")
	tassert.Error(t, err)
	_, err = wire.FlipBit("!!")
	tassert.Error(t, err)
}

func TestHeader(t *testing.T) {
	v, ok, err := wire.Header(http.Header{"X-A": {"1"}}, "x-a")
	tassert.Equal(t, "1", v)
	tassert.True(t, ok)
	tassert.NoError(t, err)
	_, ok, err = wire.Header(http.Header{"X-A": {""}}, "X-A")
	tassert.False(t, ok)
	tassert.NoError(t, err)
	_, ok, err = wire.Header(http.Header{}, "X-A")
	tassert.False(t, ok)
	tassert.NoError(t, err)
	_, _, err = wire.Header(http.Header{"X-A": {"1", "2"}}, "X-A")
	tassert.ErrorIs(t, err, wire.ErrRepeated)
}

func TestCheckExtraAndOneOf(t *testing.T) {
	tassert.NoError(t, wire.CheckExtra("t", nil))
	tassert.NoError(t, wire.CheckExtra("t", map[string]string{"a": "1"}, "a", "b"))
	err := wire.CheckExtra("t", map[string]string{"z": "1", "c": "2", "a": "3"}, "a", "b")
	require.ErrorIs(t, err, wire.ErrUnknownExtra)
	tassert.Contains(t, err.Error(), "c, z for t (valid: a, b)")
	tassert.Contains(t, wire.CheckExtra("t", map[string]string{"x": ""}).Error(), "valid: none")

	sentinel := errors.New("bad")
	tassert.NoError(t, wire.OneOf(sentinel, "w", "A B", []string{"A B"}))
	err = wire.OneOf(sentinel, "w", "A_B", []string{"A B", "C"})
	require.ErrorIs(t, err, sentinel)
	tassert.Contains(t, err.Error(), `"A_B" for w (did you mean "A B"?) (valid: "A B", "C")`)
}

func TestClip(t *testing.T) {
	tassert.Equal(t, "short", wire.Clip("short"))
	long := strings.Repeat("a", 39) + "éééé"
	got := wire.Clip(long)
	tassert.True(t, utf8.ValidString(got))
	tassert.Equal(t, strings.Repeat("a", 39)+"…", got)
}

func TestFakerDrawsTwo(t *testing.T) {
	a := rand.New(rand.NewPCG(1, 2))
	b := rand.New(rand.NewPCG(1, 2))
	f := wire.Faker(a)
	tassert.Regexp(t, `^[0-9a-f]{24}$`, wire.ObjectID(f))
	b.Uint64()
	b.Uint64()
	tassert.Equal(t, b.Uint64(), a.Uint64())
	x, y := wire.Faker(rand.New(rand.NewPCG(3, 3))), wire.Faker(rand.New(rand.NewPCG(3, 3)))
	tassert.Equal(t, wire.ObjectID(x), wire.ObjectID(y))
}
